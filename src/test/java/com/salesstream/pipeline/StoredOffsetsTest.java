package com.salesstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.salesstream.TestConfig;
import com.salesstream.pipeline.StoredOffsets.Move;
import com.salesstream.pipeline.StoredOffsets.OffsetConflict;
import com.salesstream.servers.LocalServers;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.mysqlclient.MySQLBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.mysqlclient.MySQLConnectOptions;

/**
 * The fenced move of {@code consumed_offsets} against the local MariaDB alone (no Kafka, no Cassandra): an offset
 * moves only from the value this instance knows, and a conflict rolls back the whole window's transaction.
 */
class StoredOffsetsTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final String TOPIC = "orders";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private static Vertx vertx;
    private static Pool mysql;

    private final String group = "stored-offsets-test-" + UUID.randomUUID();
    private final StoredOffsets offsets = new StoredOffsets(mysql, TestConfig.with(Map.of("sales.pipeline.group-id", group)));

    @BeforeAll
    static void mariadb() {
        LocalServers.ofThisProject().start("mariadb");
        Flyway.configure().dataSource(LocalServers.MARIADB_TEST_JDBC, LocalServers.DB_USER, LocalServers.DB_PASSWORD).load().migrate();
        vertx = Vertx.vertx();
        mysql = MySQLBuilder.pool().using(vertx).connectingTo(MySQLConnectOptions.fromUri(LocalServers.mysqlUrl(LocalServers.TEST_DATABASE))
                .setUser(LocalServers.DB_USER).setPassword(LocalServers.DB_PASSWORD)).build();
    }

    @AfterAll
    static void close() {
        mysql.closeAndAwait();
        vertx.closeAndAwait();
    }

    @AfterEach
    void deleteTheGroupsOffsets() {
        mysql.preparedQuery("DELETE FROM consumed_offsets WHERE consumer_group = ?").execute(Tuple.of(group))
                .await().atMost(WITHIN);
    }

    @Test
    void aPartitionsFirstWindowStoresTheOffsetAfterItsLastRecord() {
        PartitionAssignments assignments = new PartitionAssignments();
        assignments.assigned(P0, PartitionAssignments.NO_STORED_OFFSET);

        save(assignments, totals(assignments, P0, 41));

        assertThat(stored()).containsExactly(Map.entry(P0, 42L));
    }

    @Test
    void anOffsetMovesFromTheValueThisInstanceKnows() {
        PartitionAssignments assignments = assignedAt(P0, 42);
        insert(P0, 42);

        save(assignments, totals(assignments, P0, 99));

        assertThat(stored()).containsExactly(Map.entry(P0, 100L));
    }

    @Test
    void anInstanceThatMissedAnotherOnesSaveConflictsAndTheWholeWindowIsRolledBack() {
        insert(P0, 100); // another instance moved it from 42 meanwhile
        insert(P1, 7);
        PartitionAssignments stale = assignedAt(P0, 42);
        stale.assigned(P1, 7);

        assertThatThrownBy(() -> save(stale, totals(stale, P1, 19), totals(stale, P0, 60)))
                .isInstanceOfSatisfying(OffsetConflict.class, conflict -> assertThat(conflict.partitions).containsExactly(P0));
        assertThat(stored()).as("P1's move is rolled back with P0's conflict").containsOnly(Map.entry(P0, 100L), Map.entry(P1, 7L));
    }

    @Test
    void aFirstWindowThatFindsTheOffsetAlreadyStoredConflicts() {
        insert(P0, 5); // another instance's first window committed first
        PartitionAssignments assignments = new PartitionAssignments();
        assignments.assigned(P0, PartitionAssignments.NO_STORED_OFFSET);

        assertThatThrownBy(() -> save(assignments, totals(assignments, P0, 30))).isInstanceOf(OffsetConflict.class);
        assertThat(stored()).containsExactly(Map.entry(P0, 5L));
    }

    @Test
    void readReturnsTheNextOffsetOfEveryPartitionOfTheTopic() {
        insert(P0, 3);
        insert(P1, 8);

        assertThat(offsets.read(TOPIC).await().atMost(WITHIN)).containsOnly(Map.entry(P0, 3L), Map.entry(P1, 8L));
    }

    private static PartitionAssignments assignedAt(TopicPartition partition, long storedOffset) {
        PartitionAssignments assignments = new PartitionAssignments();
        assignments.assigned(partition, storedOffset);
        return assignments;
    }

    private static PartitionTotals totals(PartitionAssignments assignments, TopicPartition partition, long lastOffset) {
        PartitionTotals totals = new PartitionTotals(partition, assignments.generation(partition));
        totals.skip(lastOffset);
        return totals;
    }

    /** One transaction that moves the partitions from the stored offsets {@code assignments} knows now. */
    private void save(PartitionAssignments assignments, PartitionTotals... partitions) {
        List<Move> moves = Stream.of(partitions).map(totals -> new Move(totals, assignments.storedOffset(totals.partition))).toList();
        mysql.withTransaction(connection -> offsets.move(connection, moves)).await().atMost(WITHIN);
    }

    private void insert(TopicPartition partition, long nextOffset) {
        mysql.preparedQuery("INSERT INTO consumed_offsets (consumer_group, topic, partition_id, next_offset) VALUES (?, ?, ?, ?)")
                .execute(Tuple.of(group, partition.topic(), partition.partition(), nextOffset)).await().atMost(WITHIN);
    }

    private Map<TopicPartition, Long> stored() {
        return offsets.read(TOPIC).await().atMost(WITHIN);
    }
}
