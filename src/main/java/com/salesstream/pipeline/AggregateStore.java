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

import com.salesstream.PipelineMetrics;
import com.salesstream.PipelineMetrics.Sink;
import com.salesstream.SalesConfig;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes a window's aggregates to MySQL {@code aggregated_sales} together with the next offset of every partition
 * it covers, in one transaction: a restarted consumer resumes exactly where the committed aggregates end. Each
 * offset moves only from the value this instance last saw, so an instance that lost a partition without noticing
 * cannot count it a second time.
 */
@ApplicationScoped
class AggregateStore {

    private static final Logger LOG = Logger.getLogger(AggregateStore.class);

    private static final String INSERT_AGGREGATES = "INSERT INTO aggregated_sales "
            + "(processed_at, order_date, platform_id, product_id, total_quantity) VALUES ";
    private static final String MOVE_OFFSET = "UPDATE consumed_offsets SET next_offset = ? "
            + "WHERE consumer_group = ? AND topic = ? AND partition_id = ? AND next_offset = ?";
    private static final String FIRST_OFFSET = "INSERT IGNORE INTO consumed_offsets "
            + "(next_offset, consumer_group, topic, partition_id) VALUES (?, ?, ?, ?)";
    private static final String SELECT_OFFSETS = "SELECT partition_id, next_offset FROM consumed_offsets "
            + "WHERE consumer_group = ? AND topic = ?";

    private final Pool mysql;
    private final PartitionAssignments assignments;
    private final GroupOffsets groupOffsets;
    private final PipelineMetrics metrics;
    private final SalesConfig.Pipeline config;

    AggregateStore(Pool mysql, PartitionAssignments assignments, GroupOffsets groupOffsets, PipelineMetrics metrics,
            SalesConfig config) {
        this.mysql = mysql;
        this.assignments = assignments;
        this.groupOffsets = groupOffsets;
        this.metrics = metrics;
        this.config = config.pipeline();
    }

    /**
     * Stores the window's totals of the partitions this instance still owns; retried with backoff until MySQL
     * accepts them. A partition found moved by someone else is given up and the rest is saved.
     */
    Uni<Void> save(WindowTotals window) {
        return Uni.createFrom().deferred(() -> saveCurrent(window))
                .onFailure(OffsetConflict.class).invoke(conflict -> {
                    LOG.warnf("Partitions %s were taken over by another instance; their window totals are dropped",
                            conflict.partitions);
                    assignments.revoked(conflict.partitions);
                })
                .onFailure().invoke(e -> {
                    metrics.retried(Sink.MYSQL);
                    LOG.warnf("Saving a window to MySQL failed, retrying: %s", e.toString());
                })
                .onFailure().retry().withBackOff(config.minRetryBackoff(), config.maxRetryBackoff()).indefinitely()
                // After the commit only: a failure here must never write the window a second time.
                .invoke(groupOffsets::commit)
                .replaceWithVoid();
    }

    /** The next offset to read per partition of the topic, as the last committed window left it. */
    Uni<Map<TopicPartition, Long>> storedOffsets(String topic) {
        return mysql.preparedQuery(SELECT_OFFSETS).execute(Tuple.of(config.groupId(), topic)).map(rows -> {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            rows.forEach(row -> offsets.put(new TopicPartition(topic, row.getInteger(0)), row.getLong(1)));
            return offsets;
        });
    }

    /** Saves the partitions still owned in one transaction; returns them once committed. */
    private Uni<List<PartitionTotals>> saveCurrent(WindowTotals window) {
        List<PartitionTotals> partitions = window.partitions().stream().filter(assignments::isCurrent).toList();
        if (partitions.isEmpty()) {
            return Uni.createFrom().item(partitions);
        }
        Map<AggregateKey, Long> quantities = WindowTotals.quantities(partitions);
        LocalDateTime processedAt = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
        return mysql.withTransaction(connection -> insertAggregates(connection, quantities, processedAt)
                        .chain(() -> moveOffsets(connection, partitions)))
                .map(committed -> {
                    partitions.forEach(assignments::saved);
                    metrics.written(Sink.MYSQL, partitions.stream().mapToLong(totals -> totals.orders).sum());
                    return partitions;
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
        String row = "(?, ?, ?, ?, ?)";
        return connection.preparedQuery(INSERT_AGGREGATES + String.join(", ", Collections.nCopies(quantities.size(), row)))
                .execute(Tuple.from(values)).replaceWithVoid();
    }

    /** Moves each partition's stored offset from the value this instance knows; any other value is a conflict. */
    private Uni<Void> moveOffsets(SqlConnection connection, List<PartitionTotals> partitions) {
        List<Tuple> moves = new ArrayList<>();
        List<Tuple> firsts = new ArrayList<>();
        List<PartitionTotals> moved = new ArrayList<>();
        List<PartitionTotals> first = new ArrayList<>();
        for (PartitionTotals totals : partitions) {
            long stored = assignments.storedOffset(totals.partition);
            Tuple key = Tuple.of(totals.lastOffset + 1, config.groupId(), totals.partition.topic(), totals.partition.partition());
            if (stored == PartitionAssignments.NO_STORED_OFFSET) {
                firsts.add(key);
                first.add(totals);
            } else {
                moves.add(key.addLong(stored));
                moved.add(totals);
            }
        }
        return execute(connection, MOVE_OFFSET, moves, moved)
                .chain(() -> execute(connection, FIRST_OFFSET, firsts, first));
    }

    private static Uni<Void> execute(SqlConnection connection, String sql, List<Tuple> batch, List<PartitionTotals> partitions) {
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(sql).executeBatch(batch).invoke(rows -> {
            List<TopicPartition> conflicts = new ArrayList<>();
            RowSet<?> result = rows;
            for (PartitionTotals totals : partitions) {
                if (result.rowCount() != 1) {
                    conflicts.add(totals.partition);
                }
                result = result.next();
            }
            if (!conflicts.isEmpty()) {
                throw new OffsetConflict(conflicts);
            }
        }).replaceWithVoid();
    }

    /** Another instance moved these partitions' stored offsets: this instance no longer owns them. */
    static final class OffsetConflict extends RuntimeException {
        final Collection<TopicPartition> partitions;

        OffsetConflict(Collection<TopicPartition> partitions) {
            super("Stored offsets moved by another instance: " + partitions, null, false, false);
            this.partitions = partitions;
        }
    }
}
