package com.salesstream.pipeline;

import static com.salesstream.pipeline.PartitionAssignments.NOT_OWNED;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import jakarta.enterprise.inject.Vetoed;

import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.salesstream.PipelineMetrics;
import com.salesstream.Retries;
import com.salesstream.SalesConfig;
import com.salesstream.TestConfig;
import com.salesstream.pipeline.KafkaStubs.LeaderAwayConsumer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Seeking partitions to their stored offsets when the partition leader is away (a lost broker): the lookup of the
 * log's bounds times out, and the partition must neither count from wherever the consumer was nor be forgotten. Kafka's
 * MockConsumer, no broker, no MySQL.
 */
class OffsetsResyncTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final long STORED = 42;
    /** Where the consumer happens to be: counting from here would skip or repeat orders. */
    private static final long ELSEWHERE = 90;
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final SalesConfig config = TestConfig.with(Map.of("sales.pipeline.min-retry-backoff", "10ms",
            "sales.pipeline.max-retry-backoff", "20ms"));
    private final PartitionAssignments assignments = new PartitionAssignments();
    private final PipelineProgress progress = new PipelineProgress(assignments);
    private final LeaderAwayConsumer consumer = new LeaderAwayConsumer();
    private final ExecutorService pollingThread = KafkaStubs.pollingThread();
    private final PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    private final OffsetsResync resync = new OffsetsResync(new StoredAt(Map.of(P0, STORED)), assignments,
            KafkaStubs.pollingThreadOf(consumer, pollingThread), new Retries(metrics, config), metrics, config, "earliest");

    @BeforeEach
    void partitionHeldByTheConsumer() {
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.updateEndOffsets(Map.of(P0, 100L));
        consumer.seek(P0, ELSEWHERE);
    }

    @AfterEach
    void stop() {
        consumer.leaderAway(false); // lets a heal still retrying finish
        pollingThread.shutdownNow();
    }

    @Test
    void aPartitionAssignedWhileItsLeaderIsAwayAwaitsPausedAndIsSoughtOnceTheLookupAnswers() {
        consumer.leaderAway(true);

        // As onPartitionsAssigned does on the polling thread once MySQL answered.
        resync.seek(consumer, List.of(P0), Map.of(P0, STORED));

        assertThat(assignments.generation(P0)).as("not counted").isEqualTo(NOT_OWNED);
        assertThat(assignments.awaitingSince()).as("visible to the stall check").isNotZero();
        assertThat(progress.stalledFor(Duration.ZERO)).contains("waited for its stored offset");
        assertThat(consumer.paused()).containsExactly(P0);
        await().atMost(BOUND).until(() -> consumer.lookups() >= 3); // healed again while the leader is away
        assertThat(assignments.generation(P0)).isEqualTo(NOT_OWNED);

        consumer.leaderAway(false);

        await().atMost(BOUND).until(() -> assignments.generation(P0) != NOT_OWNED);
        assertThat(position()).isEqualTo(STORED);
        assertThat(assignments.storedOffset(P0)).isEqualTo(STORED);
        assertThat(assignments.awaitingSince()).isZero();
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void aHealWhoseLookupFailsLeavesThePartitionAwaitingUntilItIsSought() {
        assignments.assigned(P0, 30);
        consumer.leaderAway(true);

        resync.heal(List.of(P0));

        await().atMost(BOUND).until(() -> consumer.lookups() >= 1);
        assertThat(assignments.generation(P0)).as("not counted from where the consumer was").isEqualTo(NOT_OWNED);
        await().atMost(BOUND).until(() -> consumer.lookups() >= 3); // healed again while the leader is away
        assertThat(assignments.generation(P0)).isEqualTo(NOT_OWNED);
        assertThat(assignments.awaitingSince()).isNotZero();
        assertThat(position()).as("not sought anywhere").isEqualTo(ELSEWHERE);

        consumer.leaderAway(false);

        await().atMost(BOUND).until(() -> assignments.generation(P0) != NOT_OWNED);
        assertThat(position()).isEqualTo(STORED);
        assertThat(assignments.storedOffset(P0)).isEqualTo(STORED);
        assertThat(assignments.awaitingSince()).isZero();
    }

    @Test
    void aHealKeepsTheTimeThePartitionHasAwaitedSoAStallShowsThroughRepeatedHeals() {
        consumer.leaderAway(true);
        resync.seek(consumer, List.of(P0), Map.of(P0, STORED));
        long since = assignments.awaitingSince();

        resync.heal(List.of(P0)); // e.g. a save's conflict meanwhile

        assertThat(assignments.awaitingSince()).isEqualTo(since);
    }

    @Test
    void aHealOfAPartitionRevokedMeanwhileLeavesNothingAwaiting() {
        assignments.assigned(P0, 30);
        assignments.revoked(List.of(P0));

        resync.heal(List.of(P0)); // a save of the revoked partition conflicted with its new owner

        assertThat(assignments.awaitingSince()).isZero();
        assertThat(progress.stalledFor(Duration.ZERO)).isNull();
        assertThat(assignments.generation(P0)).isEqualTo(NOT_OWNED);
        assertThat(consumer.lookups()).as("nothing sought").isZero();
    }

    private long position() {
        return Uni.createFrom().item(() -> consumer.position(P0)).runSubscriptionOn(pollingThread).await().atMost(BOUND);
    }

    private static ConditionFactory await() {
        return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    /** MySQL's stored offsets, as the last committed window left them. */
    @Vetoed
    static final class StoredAt extends StoredOffsets {
        private final Map<TopicPartition, Long> stored;

        StoredAt(Map<TopicPartition, Long> stored) {
            super(null, TestConfig.defaults());
            this.stored = stored;
        }

        @Override
        Uni<Map<TopicPartition, Long>> read(String topic) {
            return Uni.createFrom().item(stored);
        }
    }
}
