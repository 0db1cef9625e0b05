package com.salesstream.support;

import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;

import com.salesstream.TestAggregates;
import com.salesstream.servers.LocalServers;

/** Reads what the service stored in the local Cassandra and MariaDB, the way the SPEC's guarantees are stated. */
public final class LocalStores implements AutoCloseable {

    private static final String MYSQL = LocalServers.MARIADB_TEST_JDBC;
    /** A test's reads and deletes wait this long: a loaded 2-core CI machine once took over the driver's 2 s. */
    public static final Duration CQL_TIMEOUT = Duration.ofSeconds(30);

    private final CqlSession cassandra;
    /** The consistency level of the reads that check what the service stored. */
    private final ConsistencyLevel consistency;

    /** The local single node. */
    public LocalStores() {
        this(List.of(new InetSocketAddress("127.0.0.1", LocalServers.CASSANDRA_PORT)), DefaultConsistencyLevel.ONE);
    }

    /** A cluster through these contact points, its checks read at {@code consistency} (QUORUM or ALL). */
    public LocalStores(List<InetSocketAddress> contactPoints, ConsistencyLevel consistency) {
        this.cassandra = CqlSession.builder().addContactPoints(contactPoints)
                .withLocalDatacenter(LocalServers.CASSANDRA_DATACENTER).build();
        this.consistency = consistency;
    }

    public CqlSession cassandra() {
        return cassandra;
    }

    /** Quantities per "platform/product" summed over all aggregate rows of the day. */
    public Map<String, Long> aggregates(LocalDate day) throws SQLException {
        Map<String, Long> sums = new HashMap<>();
        // A connection per call: the tests stop and restart MariaDB under it.
        try (Connection mysql = DriverManager.getConnection(MYSQL, LocalServers.DB_USER, LocalServers.DB_PASSWORD);
                PreparedStatement query = mysql.prepareStatement("SELECT platform_id, product_id, SUM(total_quantity) "
                        + "FROM aggregated_sales WHERE order_date = ? GROUP BY platform_id, product_id")) {
            query.setObject(1, day);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    sums.put(rows.getInt(1) + "/" + rows.getInt(2), rows.getLong(3));
                }
            }
        }
        return sums;
    }

    /** The day's facts and rollups. */
    public void deleteAggregates(LocalDate day) throws SQLException {
        try (Connection mysql = DriverManager.getConnection(MYSQL, LocalServers.DB_USER, LocalServers.DB_PASSWORD)) {
            TestAggregates.deleteDay(mysql, day);
        }
    }

    /** How many of the orders with ids firstId .. firstId + count - 1 are in {@code <keyspace>.orders}. */
    public long storedOrders(String keyspace, long firstId, int count) {
        var select = cassandra.prepare("SELECT order_id FROM " + keyspace + ".orders WHERE order_id IN ?");
        return inClauses(ids(firstId, count)).stream().mapToLong(ids -> cassandra.execute(select.bind(ids)
                .setConsistencyLevel(consistency).setTimeout(CQL_TIMEOUT)).all().size()).sum();
    }

    public void deleteOrders(String keyspace, long firstId, int count) {
        var delete = cassandra.prepare("DELETE FROM " + keyspace + ".orders WHERE order_id IN ?");
        inClauses(ids(firstId, count)).forEach(ids -> cassandra.execute(delete.bind(ids).setTimeout(CQL_TIMEOUT)));
    }

    /** The ids in lists of 100, a reasonable IN clause on a partition key. */
    public static List<List<Long>> inClauses(List<Long> ids) {
        List<List<Long>> chunks = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += 100) {
            chunks.add(ids.subList(from, Math.min(from + 100, ids.size())));
        }
        return chunks;
    }

    private static List<Long> ids(long firstId, int count) {
        return LongStream.range(firstId, firstId + count).boxed().toList();
    }

    @Override
    public void close() {
        cassandra.close();
    }
}
