package com.salesstream.pipeline;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.salesstream.PipelineMetrics;
import com.salesstream.PipelineMetrics.Sink;
import com.salesstream.Retries;
import com.salesstream.pipeline.StoredOffsets.Move;
import com.salesstream.pipeline.StoredOffsets.OffsetConflict;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Writes a window's aggregates to MySQL {@code aggregated_sales}, each with its money, adds them to the rollups
 * ({@link SalesRollups}) and moves the next offset of every partition it covers ({@link StoredOffsets}), in one
 * transaction: a restarted consumer resumes exactly where the committed aggregates end.
 */
@ApplicationScoped
class AggregateStore {

    private static final Logger LOG = Logger.getLogger(AggregateStore.class);

    private static final String INSERT = "INSERT INTO aggregated_sales (processed_at, window_start, order_date, "
            + "platform_id, product_id, category_id, total_quantity, total_sales, total_profit) VALUES ";

    private final Pool mysql;
    private final StoredOffsets offsets;
    private final PartitionAssignments assignments;
    private final OffsetsResync resync;
    private final PipelineMetrics metrics;
    private final Retries retries;

    AggregateStore(Pool mysql, StoredOffsets offsets, PartitionAssignments assignments, OffsetsResync resync,
            PipelineMetrics metrics, Retries retries) {
        this.mysql = mysql;
        this.offsets = offsets;
        this.assignments = assignments;
        this.resync = resync;
        this.metrics = metrics;
        this.retries = retries;
    }

    /**
     * Stores the window's totals of the partitions this instance still counts; retried with backoff until MySQL
     * accepts them. Partitions whose stored offset is not where this instance left it are healed
     * ({@link OffsetsResync}: re-read and sought to) and the rest is saved. Returns the totals saved.
     */
    Uni<List<PartitionTotals>> save(WindowTotals window) {
        return retries.untilDoneInMysqlTime("Saving a window to MySQL", Uni.createFrom().deferred(() -> saveCurrent(window))
                .onFailure(OffsetConflict.class).invoke(conflict -> resync.heal(((OffsetConflict) conflict).partitions)));
    }

    /**
     * One attempt: saves the partitions still counted in one transaction; returns them once committed. The stored
     * offsets it moves from are the ones known now, at its start ({@link StoredOffsets.Move}).
     */
    Uni<List<PartitionTotals>> saveCurrent(WindowTotals window) {
        List<Move> moves = window.partitions().stream().filter(assignments::isCurrent)
                .map(totals -> new Move(totals, assignments.storedOffset(totals.partition))).toList();
        List<PartitionTotals> partitions = moves.stream().map(Move::totals).toList();
        if (partitions.isEmpty()) {
            return Uni.createFrom().item(partitions);
        }
        List<Sale> sales = WindowTotals.sales(partitions);
        LocalDateTime processedAt = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
        return mysql.withTransaction(connection -> insert(connection, sales, processedAt, window.startedAt())
                        .chain(() -> offsets.move(connection, moves)))
                .map(committed -> {
                    partitions.forEach(assignments::saved);
                    metrics.written(Sink.MYSQL, partitions.stream().mapToLong(totals -> totals.orders).sum());
                    return partitions;
                });
    }

    /** The window's facts, each with its money, then the rollups; on the transaction's connection. */
    private static Uni<Void> insert(SqlConnection connection, List<Sale> sales, LocalDateTime processedAt,
            LocalDateTime windowStart) {
        List<List<Object>> rows = new ArrayList<>(sales.size());
        for (Sale sale : sales) {
            AggregateKey key = sale.key();
            rows.add(List.of(processedAt, windowStart, key.orderDate(), key.platformId(), key.product().id(),
                    key.product().categoryId(), sale.quantity(), sale.sales(), sale.profit()));
        }
        if (rows.size() > MultiRowInserts.ROWS_PER_STATEMENT) {
            LOG.debugf("Saving %d aggregate rows in statements of %d", rows.size(), MultiRowInserts.ROWS_PER_STATEMENT);
        }
        return MultiRowInserts.run(connection, INSERT, "", rows)
                .chain(() -> SalesRollups.add(connection, sales, windowStart));
    }
}
