package com.salesstream.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;

import com.salesstream.SalesConfig;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * MySQL {@code consumed_offsets}: the next Kafka offset per partition, moved in the transaction of the aggregates it
 * accounts for. Each offset moves only from the value this instance saw when the save began (fencing), so an
 * instance that lost a partition without noticing, or a late attempt of a save that already committed, cannot count
 * it a second time.
 */
@ApplicationScoped
class StoredOffsets {

    private static final String MOVE = "UPDATE consumed_offsets SET next_offset = ? "
            + "WHERE consumer_group = ? AND topic = ? AND partition_id = ? AND next_offset = ?";
    private static final String FIRST = "INSERT IGNORE INTO consumed_offsets "
            + "(next_offset, consumer_group, topic, partition_id) VALUES (?, ?, ?, ?)";
    private static final String SELECT = "SELECT partition_id, next_offset FROM consumed_offsets "
            + "WHERE consumer_group = ? AND topic = ?";

    private final Pool mysql;
    private final String group;

    StoredOffsets(Pool mysql, SalesConfig config) {
        this.mysql = mysql;
        this.group = config.pipeline().groupId();
    }

    /**
     * A partition's stored offset to move past {@code totals}, from {@code expected}: the value this instance knew when
     * the save's attempt began (NO_STORED_OFFSET: none stored yet). Taken at the start, never when the move runs: an
     * attempt that outlived its timeout may reach its move after its own retry committed, and would find that
     * retry's offset; and MySQL counts an UPDATE to the same value as a matched row.
     */
    record Move(PartitionTotals totals, long expected) {
    }

    /** The next offset to read per partition of the topic, as the last committed window left it. */
    Uni<Map<TopicPartition, Long>> read(String topic) {
        return mysql.preparedQuery(SELECT).execute(Tuple.of(group, topic)).map(rows -> {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            rows.forEach(row -> offsets.put(new TopicPartition(topic, row.getInteger(0)), row.getLong(1)));
            return offsets;
        });
    }

    /**
     * Moves each partition's stored offset past its totals, from the value expected; any other value fails the
     * transaction with an {@link OffsetConflict}.
     */
    Uni<Void> move(SqlConnection connection, List<Move> partitions) {
        List<Tuple> moves = new ArrayList<>();
        List<Tuple> firsts = new ArrayList<>();
        List<PartitionTotals> moved = new ArrayList<>();
        List<PartitionTotals> first = new ArrayList<>();
        // In primary-key order, as any other locker of these rows scans them: waits, never a deadlock.
        for (Move move : partitions.stream().sorted(Comparator.comparingInt((Move move) -> move.totals().partition.partition())).toList()) {
            PartitionTotals totals = move.totals();
            Tuple key = Tuple.of(totals.lastOffset + 1, group, totals.partition.topic(), totals.partition.partition());
            if (move.expected() == PartitionAssignments.NO_STORED_OFFSET) {
                firsts.add(key);
                first.add(totals);
            } else {
                moves.add(key.addLong(move.expected()));
                moved.add(totals);
            }
        }
        return execute(connection, MOVE, moves, moved).chain(() -> execute(connection, FIRST, firsts, first));
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

    /**
     * These partitions' stored offsets are not where this instance left them: another instance moved them, or an
     * earlier attempt of this very save committed although its answer was lost.
     */
    static final class OffsetConflict extends RuntimeException {
        final Collection<TopicPartition> partitions;

        OffsetConflict(Collection<TopicPartition> partitions) {
            super("Stored offsets not where this instance left them: " + partitions, null, false, false);
            this.partitions = partitions;
        }
    }
}
