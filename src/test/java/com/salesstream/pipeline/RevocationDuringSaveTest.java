package com.salesstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.salesstream.TestAggregates;
import com.salesstream.OrderTopics;
import com.salesstream.PipelineMetrics;
import com.salesstream.Retries;
import com.salesstream.SalesConfig;
import com.salesstream.TestCatalog;
import com.salesstream.TestConfig;
import com.salesstream.order.Order;
import com.salesstream.pipeline.KafkaStubs.LeaderAwayConsumer;
import com.salesstream.pipeline.WindowStubs.NoEvents;
import com.salesstream.pipeline.WindowStubs.NoGroupOffsets;
import com.salesstream.servers.LocalServers;
import com.salesstream.support.AnswerHoldingProxy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A revocation that lands while a window's save is mid-INSERT, with the real windows, store, fence and healing
 * against the local MariaDB (Kafka stubbed: the partition is no longer assigned here). The revocation gives up
 * waiting, the new owner moves the stored offset, the save then conflicts: nothing is counted twice, and the
 * revoked partition must not come back as "awaiting", which would turn a healthy instance's readiness and
 * liveness DOWN.
 */
class RevocationDuringSaveTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String TOPIC = "orders";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    private static Vertx vertx;
    private static Pool mysql;

    private final LocalDate day = LocalDate.of(1100, 1, 1).plusDays(ThreadLocalRandom.current().nextInt(300_000));
    private final String group = "revocation-during-save-test-" + UUID.randomUUID();
    // Stall and stuck timeouts of a millisecond: anything left waiting shows at once.
    private final SalesConfig config = TestConfig.with(Map.of("sales.pipeline.group-id", group,
            "sales.pipeline.window", "1h", "sales.pipeline.max-window-keys", "1", "sales.pipeline.rebalance-timeout", "200ms",
            "sales.pipeline.min-retry-backoff", "10ms", "sales.pipeline.max-retry-backoff", "20ms",
            "sales.pipeline.stall-timeout", "1ms", "sales.pipeline.stuck-timeout", "2ms"));
    private final PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    private final Retries retries = new Retries(metrics, config);
    private final PartitionAssignments assignments = new PartitionAssignments();
    private final PipelineProgress progress = new PipelineProgress(assignments);
    private final ExecutorService pollingThread = KafkaStubs.pollingThread();
    private AnswerHoldingProxy proxy;
    private Pool slowMysql;
    private SalesWindows windows;

    @BeforeAll
    static void mariadb() {
        MariaDbPools.migrated();
        vertx = Vertx.vertx();
        mysql = MariaDbPools.pool(vertx, LocalServers.MARIADB_PORT);
    }

    @AfterAll
    static void close() {
        mysql.closeAndAwait();
        vertx.closeAndAwait();
    }

    @AfterEach
    void deleteWhatTheTestWrote() throws Exception {
        if (windows != null) {
            windows.stop();
        }
        proxy.close();
        slowMysql.closeAndAwait();
        pollingThread.shutdownNow();
        mysql.preparedQuery("DELETE FROM consumed_offsets WHERE consumer_group = ?").execute(Tuple.of(group)).await().atMost(BOUND);
        TestAggregates.deleteDay(mysql, day);
    }

    @Test
    void aSaveThatConflictsAfterItsPartitionWasRevokedLeavesNothingAwaitingAndHealthUp() throws Exception {
        proxy = new AnswerHoldingProxy(LocalServers.MARIADB_PORT);
        slowMysql = MariaDbPools.pool(vertx, proxy.port());
        setStoredOffset(42);
        assignments.assigned(P0, 42);
        StoredOffsets offsets = new StoredOffsets(slowMysql, config);
        OffsetsResync resync = new OffsetsResync(offsets, assignments,
                KafkaStubs.pollingThreadOf(new LeaderAwayConsumer(), pollingThread), retries, metrics, config, "earliest");
        windows = new SalesWindows(new AggregateStore(slowMysql, offsets, assignments, resync, metrics, retries),
                new NoGroupOffsets(), resync, progress, new NoEvents(), metrics, config);
        StoredOffsetsRebalanceListener listener = new StoredOffsetsRebalanceListener(offsets, resync, assignments, windows,
                new PollPacing(), config);
        PipelineHealth health = health();
        windows.start(null);
        proxy.holdAnswersAfter("aggregated_sales");

        windows.add(List.of(totals(99)), false); // a full window: saved at once
        proxy.holding().get(BOUND.toMillis(), TimeUnit.MILLISECONDS); // its INSERT reached MariaDB, the answer held

        // Kafka revokes P0; the wait for the save gives up after the rebalance timeout, and the new owner, seeking
        // P0 to 42 meanwhile, saves its own window.
        CompletableFuture.runAsync(() -> listener.onPartitionsRevoked(null, List.of(P0))).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        setStoredOffset(150);
        proxy.release();

        assertThat(proxy.heldTransactionEnded().get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("ROLLBACK");
        Awaitility.await().atMost(BOUND).until(this::noSaveRunning);
        assertThat(assignments.awaitingSince()).as("no partition awaits").isZero();
        assertThat(assignments.generation(P0)).isEqualTo(PartitionAssignments.NOT_OWNED);
        assertThat(progress.stalledFor(Duration.ZERO)).as("nothing waits").isNull();
        assertThat(health.ready().call().getStatus()).isEqualTo(Status.UP);
        assertThat(health.live().call().getStatus()).isEqualTo(Status.UP);
        assertThat(mysql.preparedQuery("SELECT COUNT(*) FROM aggregated_sales WHERE order_date = ?").execute(Tuple.of(day))
                .await().atMost(BOUND).iterator().next().getLong(0)).as("the revoked window is not counted").isZero();
        assertThat(offsets.read(TOPIC).await().atMost(BOUND)).containsExactly(Map.entry(P0, 150L));
    }

    private boolean noSaveRunning() {
        try {
            windows.awaitSaving();
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** The pipeline's own health checks; the dead letters are fine (their topic needs no making here). */
    private PipelineHealth health() {
        OrderTopics topics = new OrderTopics(null, retries, TestConfig.with(Map.of("sales.pipeline.enabled", "false",
                "sales.generator.enabled", "false")));
        topics.create(null);
        return new PipelineHealth(progress, new DeadLetters(null, metrics, retries, config), topics, config);
    }

    private PartitionTotals totals(long lastOffset) {
        PartitionTotals totals = new PartitionTotals(P0, assignments.generation(P0));
        totals.add(new Order(1, LocalDateTime.of(day, LocalTime.NOON), 1, 1, 3, 1, "paypal"), TestCatalog.priced(1), 42);
        totals.skip(lastOffset);
        return totals;
    }

    private void setStoredOffset(long nextOffset) {
        mysql.preparedQuery("INSERT INTO consumed_offsets (consumer_group, topic, partition_id, next_offset) VALUES (?, ?, ?, ?) "
                + "ON DUPLICATE KEY UPDATE next_offset = VALUES(next_offset)")
                .execute(Tuple.of(group, TOPIC, 0, nextOffset)).await().atMost(BOUND);
    }
}
