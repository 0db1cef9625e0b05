package com.salesstream.generator;

import jakarta.enterprise.context.ApplicationScoped;

import com.salesstream.Retries;
import com.salesstream.SalesConfig;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.mysqlclient.MySQLClient;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Hands out order ids from blocks reserved in MySQL, so ids grow, survive restarts and stay unique across
 * generator instances without scanning any table. Called by one stream at a time.
 */
@ApplicationScoped
class OrderIdBlocks {

    static final String SEQUENCE = "order_id";

    // LAST_INSERT_ID(expr) makes the new value come back in the OK packet: one atomic round trip.
    private static final String RESERVE = "UPDATE order_id_sequence SET next_id = LAST_INSERT_ID(next_id + ?) WHERE name = ?";

    private final Pool mysql;
    private final Retries retries;
    private final int blockSize;
    private long next;
    private long end;

    OrderIdBlocks(Pool mysql, Retries retries, SalesConfig config) {
        this.mysql = mysql;
        this.retries = retries;
        this.blockSize = config.generator().idBlockSize();
    }

    Uni<Long> next() {
        if (next < end) {
            return Uni.createFrom().item(next++);
        }
        // While MySQL is away the generator waits here (its ticks are dropped meanwhile) and resumes by itself.
        return retries.untilDoneInMysqlTime("Reserving a block of order ids", reserveBlock()).map(first -> {
            next = first + 1;
            end = first + blockSize;
            return first;
        });
    }

    private Uni<Long> reserveBlock() {
        return mysql.preparedQuery(RESERVE).execute(Tuple.of(blockSize, SEQUENCE)).map(rows -> {
            if (rows.rowCount() != 1) {
                throw new IllegalStateException("Sequence '" + SEQUENCE + "' is missing from order_id_sequence");
            }
            return rows.property(MySQLClient.LAST_INSERTED_ID) - blockSize;
        });
    }
}
