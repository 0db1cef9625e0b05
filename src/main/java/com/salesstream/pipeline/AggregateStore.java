package com.salesstream.pipeline;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import com.salesstream.SalesConfig;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes a window's aggregates to MySQL {@code aggregated_sales} together with the next offset of every partition
 * it covers, in one transaction: a restarted consumer resumes exactly where the committed aggregates end.
 */
@ApplicationScoped
class AggregateStore {

    private static final Logger LOG = Logger.getLogger(AggregateStore.class);

    private static final String INSERT_AGGREGATES = "INSERT INTO aggregated_sales "
            + "(processed_at, order_date, platform_id, product_id, total_quantity) VALUES ";
    private static final String UPSERT_OFFSETS = "INSERT INTO consumed_offsets "
            + "(consumer_group, topic, partition_id, next_offset) VALUES ";
    private static final String SELECT_OFFSETS = "SELECT partition_id, next_offset FROM consumed_offsets "
            + "WHERE consumer_group = ? AND topic = ?";

    private final Pool mysql;
    private final SalesConfig.Pipeline config;

    AggregateStore(Pool mysql, SalesConfig config) {
        this.mysql = mysql;
        this.config = config.pipeline();
    }

    /** Stores the totals of these partitions; retried with backoff until MySQL accepts them. */
    Uni<Void> save(Collection<PartitionTotals> partitions) {
        if (partitions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<AggregateKey, Long> quantities = WindowTotals.quantities(partitions);
        LocalDateTime processedAt = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
        return mysql.withTransaction(connection -> insertAggregates(connection, quantities, processedAt)
                        .chain(() -> saveOffsets(connection, partitions)))
                .onFailure().invoke(e -> LOG.warnf("Saving a window to MySQL failed, retrying: %s", e.toString()))
                .onFailure().retry().withBackOff(config.minRetryBackoff(), config.maxRetryBackoff()).indefinitely()
                .invoke(() -> LOG.debugf("Window saved: %d aggregates, %d partitions", quantities.size(), partitions.size()));
    }

    /** The next offset to read per partition of the topic, as the last committed window left it. */
    Uni<Map<TopicPartition, Long>> storedOffsets(String topic) {
        return mysql.preparedQuery(SELECT_OFFSETS).execute(Tuple.of(config.groupId(), topic)).map(rows -> {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            rows.forEach(row -> offsets.put(new TopicPartition(topic, row.getInteger(0)), row.getLong(1)));
            return offsets;
        });
    }

    private static Uni<Void> insertAggregates(SqlConnection connection, Map<AggregateKey, Long> quantities,
            LocalDateTime processedAt) {
        if (quantities.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Object> values = new ArrayList<>(quantities.size() * 5);
        quantities.forEach((key, quantity) -> Collections.addAll(values,
                processedAt, key.orderDate(), key.platformId(), key.productId(), quantity));
        return connection.preparedQuery(INSERT_AGGREGATES + placeholders(quantities.size(), 5))
                .execute(Tuple.from(values)).replaceWithVoid();
    }

    private Uni<Void> saveOffsets(SqlConnection connection, Collection<PartitionTotals> partitions) {
        List<Object> values = new ArrayList<>(partitions.size() * 4);
        partitions.forEach(totals -> Collections.addAll(values,
                config.groupId(), totals.partition.topic(), totals.partition.partition(), totals.lastOffset + 1));
        return connection.preparedQuery(UPSERT_OFFSETS + placeholders(partitions.size(), 4)
                + " ON DUPLICATE KEY UPDATE next_offset = VALUES(next_offset)")
                .execute(Tuple.from(values)).replaceWithVoid();
    }

    /** "(?, ?), (?, ?)" for one multi-row statement. */
    private static String placeholders(int rows, int columns) {
        String row = "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")";
        return String.join(", ", Collections.nCopies(rows, row));
    }
}
