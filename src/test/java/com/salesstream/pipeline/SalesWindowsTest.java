package com.salesstream.pipeline;

import static com.salesstream.pipeline.PartitionAssignments.NOT_OWNED;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.salesstream.SalesConfig;
import com.salesstream.TestCatalog;
import com.salesstream.TestConfig;
import com.salesstream.order.Order;
import com.salesstream.pipeline.WindowStubs.RecordingResync;
import com.salesstream.pipeline.WindowStubs.StubStore;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;

/** The windows' closing, saving and back-pressure, with a store that answers when the test says so; no servers. */
class SalesWindowsTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final Duration BOUND = Duration.ofSeconds(10);
    /** How long a wait must last to count as held: a release would come in microseconds. */
    private static final Duration HELD = Duration.ofMillis(100);

    private final PartitionAssignments assignments = new PartitionAssignments();
    private final PipelineProgress progress = new PipelineProgress(assignments);
    private final StubStore store = new StubStore();
    private final RecordingResync resync = new RecordingResync();
    private SalesConfig config;
    private SalesWindows windows;

    @AfterEach
    void stop() {
        store.release();
        if (windows != null) {
            windows.stop();
        }
    }

    @Test
    void aSaveThatOutlastsHundredsOfWindowsLeavesTheStreamAliveAndQueuesNoEmptyWindows() {
        windows = start(Map.of("sales.pipeline.window", "10ms", "sales.pipeline.max-pending-windows", "1000000"));
        store.hold();
        windows.add(batch(0, 3), false);
        await().atMost(BOUND).until(() -> store.saves.size() == 1);

        // 300 window periods while the save hangs; batches keep coming meanwhile.
        for (int offset = 1; offset <= 30; offset++) {
            windows.add(batch(offset, 1), false);
            sleep(Duration.ofMillis(100));
        }
        assertThat(progress.windowsFailure()).isNull();
        assertThat(store.saves).hasSize(1);
        store.release();

        await().atMost(BOUND).until(() -> store.saves.size() == 2);
        assertThat(progress.windowsFailure()).isNull();
        assertThat(store.saves.get(1).partitions()).singleElement()
                .satisfies(totals -> assertThat(totals.lastOffset).isEqualTo(30))
                .satisfies(totals -> assertThat(totals.orders).isEqualTo(30));
        sleep(Duration.ofMillis(200));
        assertThat(store.saves).as("no empty window is saved").hasSize(2);
    }

    @Test
    void batchesWaitWhileASaveRunsAndTheOpenWindowIsOverdueThenGoOn() {
        windows = start(Map.of("sales.pipeline.window", "50ms", "sales.pipeline.max-pending-windows", "2"));
        store.hold();
        windows.add(batch(0, 1), false);
        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        windows.add(batch(1, 1), false);

        await().atMost(BOUND).until(() -> !windows.awaitRoom().subscribeAsCompletionStage().isDone());
        CompletableFuture<Void> held = windows.awaitRoom().subscribeAsCompletionStage();
        sleep(Duration.ofMillis(300));
        assertThat(held).as("held while the save runs").isNotDone();

        store.release();
        await().atMost(BOUND).until(held::isDone);
        await().atMost(BOUND).until(() -> store.saves.size() == 2);
    }

    @Test
    void aFullWindowClosesEarly() {
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.max-window-keys", "5"));
        PartitionTotals wide = new PartitionTotals(P0, assignments.generation(P0));
        for (int day = 1; day <= 5; day++) {
            wide.add(order(LocalDateTime.of(2026, 1, day, 0, 0)), TestCatalog.priced(1), day);
        }

        windows.add(List.of(wide), false);

        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        assertThat(WindowTotals.sales(store.saves.get(0).partitions())).hasSize(5);
    }

    @Test
    void aBacklogFollowedByShortPollsClosesTheWindowWhilePollsKeepComing() {
        // Polls every 10 ms never leave the consumer idle for the 75 ms that would close the window otherwise.
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.catch-up-window", "300ms"));
        windows.add(batch(0, 2), true);
        long offset = 2;
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (store.saves.isEmpty() && System.nanoTime() < deadline) {
            windows.add(batch(offset++, 1), false);
            sleep(Duration.ofMillis(10));
        }

        assertThat(store.saves).hasSize(1);
        assertThat(store.saves.get(0).partitions()).singleElement()
                .satisfies(totals -> assertThat(totals.orders).isGreaterThanOrEqualTo(3));
    }

    @Test
    void aBacklogThatEndsOnAFullPollClosesOnceNoPollComes() {
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.catch-up-window", "100ms"));
        windows.add(batch(0, 2), true);
        windows.add(batch(2, 2), true);

        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        assertThat(store.saves.get(0).partitions()).singleElement()
                .satisfies(totals -> assertThat(totals.orders).isEqualTo(4));
    }

    @Test
    void aBacklogWhoseEndComesInShortPollsAfterAnEarlyCloseClosesTheNextWindowTooAndNoMore() {
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.catch-up-window", "100ms"));
        windows.add(batch(0, 2), true);
        sleep(Duration.ofMillis(120));
        // A short fetch in the middle of the backlog: the window is old enough, so it closes.
        windows.add(batch(2, 1), false);
        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        // The rest of the backlog, in short polls only.
        windows.add(batch(3, 1), false);
        windows.add(batch(4, 1), false);

        await().atMost(BOUND).until(() -> store.saves.size() == 2);
        assertThat(savedOrders()).isEqualTo(5);
        windows.add(batch(5, 1), false);
        await().during(HELD.multipliedBy(3)).atMost(BOUND).until(() -> store.saves.size() == 2);
    }

    @Test
    void shortPollsWithoutABacklogKeepTheWindowOpenUntilItsTick() {
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.catch-up-window", "0s"));
        for (int offset = 0; offset < 5; offset++) {
            windows.add(batch(offset, 1), false);
        }

        await().during(HELD).atMost(BOUND).until(() -> store.saves.isEmpty());
    }

    @Test
    void aCaughtUpWindowYoungerThanTheCatchUpWindowStaysOpen() {
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.catch-up-window", "1h"));
        windows.add(batch(0, 2), true);
        windows.add(batch(2, 1), false);

        await().during(HELD).atMost(BOUND).until(() -> store.saves.isEmpty());
    }

    @Test
    void stoppingSavesTheOpenWindow() {
        windows = start(Map.of("sales.pipeline.window", "1h"));
        windows.add(batch(0, 4), false);

        windows.stop();

        assertThat(store.saves).singleElement().satisfies(saved -> assertThat(saved.partitions()).singleElement()
                .satisfies(totals -> assertThat(totals.orders).isEqualTo(4)));
        windows = null;
    }

    @Test
    void stoppingWhileASaveRunsLetsItFinishThenSavesTheRest() throws Exception {
        windows = start(Map.of("sales.pipeline.window", "50ms"));
        store.hold();
        windows.add(batch(0, 2), false);
        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        windows.add(batch(1, 3), false);

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(windows::stop);
        sleep(Duration.ofMillis(300));
        assertThat(stopped).as("waits for the save in progress").isNotDone();
        assertThat(store.saves).hasSize(1);
        store.release();
        stopped.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(store.saves).hasSize(2);
        assertThat(store.saves.get(1).partitions()).singleElement()
                .satisfies(totals -> assertThat(totals.lastOffset).isEqualTo(1))
                .satisfies(totals -> assertThat(totals.orders).isEqualTo(3));
        windows = null;
    }

    @Test
    void aStreamOfBatchesStallsWhileTheOverdueSaveRunsThenDeliversEveryOrder() {
        windows = start(Map.of("sales.pipeline.window", "50ms", "sales.pipeline.max-pending-windows", "2"));
        store.hold();
        windows.add(batch(0, 1), false);
        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        await().atMost(BOUND).until(() -> !windows.awaitRoom().subscribeAsCompletionStage().isDone());

        // The consumer's shape (OrderConsumer.store): each batch waits for room, then is added.
        AssertSubscriber<Integer> batches = Multi.createFrom().range(1, 11)
                .onItem().call(offset -> windows.awaitRoom())
                .invoke(offset -> windows.add(batch(offset, 1), false))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        await().during(HELD).atMost(BOUND).until(() -> batches.getItems().isEmpty());
        batches.assertNotTerminated();

        store.release();

        batches.awaitCompletion(BOUND).assertItems(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        await().atMost(BOUND).until(() -> savedOrders() == 11);
        assertThat(store.saves.get(store.saves.size() - 1).partitions()).singleElement()
                .satisfies(totals -> assertThat(totals.lastOffset).isEqualTo(10));
    }

    @Test
    void aFullWindowHoldsBatchesWhileASaveRunsAndIsSavedRightAfterIt() {
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.max-window-keys", "2"));
        store.hold();
        windows.add(wide(0, 2), false);
        await().atMost(BOUND).until(() -> store.saves.size() == 1);

        windows.add(wide(2, 2), false);
        CompletableFuture<Void> held = windows.awaitRoom().subscribeAsCompletionStage();
        await().during(HELD).atMost(BOUND).until(() -> !held.isDone());

        store.release();

        await().atMost(BOUND).until(held::isDone);
        // With hour-long windows, only the full window's early close saves it now.
        await().atMost(BOUND).until(() -> store.saves.size() == 2);
        assertThat(store.saves.get(1).partitions()).singleElement().satisfies(totals -> {
            assertThat(totals.quantities).hasSize(2);
            assertThat(totals.lastOffset).isEqualTo(3);
        });
    }

    @Test
    void aFailedSaveHealsItsPartitionsAndTheWindowsGoOn() {
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.max-window-keys", "1"));
        store.failNext(new IllegalStateException("a save MySQL refused"));

        windows.add(batch(0, 1), false);

        await().atMost(BOUND).until(() -> resync.healed.size() == 1);
        assertThat(resync.healed).containsExactly(List.of(P0));
        assertThat(progress.windowsFailure()).isNull();
        windows.add(batch(1, 1), false);
        await().atMost(BOUND).until(() -> store.saves.size() == 2);
    }

    @Test
    void stoppingGivesUpOnASaveThatNeverEndsAfterTheShutdownTimeout() throws Exception {
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.max-window-keys", "1",
                "sales.pipeline.shutdown-timeout", "200ms"));
        store.hold();
        windows.add(batch(0, 1), false);
        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        windows.add(batch(1, 1), false);
        long started = System.nanoTime();

        CompletableFuture.runAsync(windows::stop).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(since(started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(store.saves).as("the open window is left to be read again at the next start").hasSize(1);
        windows = null;
    }

    @Test
    void revokingAPartitionStopsCountingItAtOnceAndWaitsForTheSaveInProgress() throws Exception {
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.max-window-keys", "1"));
        store.hold();
        windows.add(batch(0, 1), false);
        await().atMost(BOUND).until(() -> store.saves.size() == 1);

        CompletableFuture<Void> revocation = CompletableFuture.runAsync(() -> listener().onPartitionsRevoked(null, List.of(P0)));

        // Not counted from the start of the wait: what is polled meanwhile belongs to the next owner.
        await().atMost(BOUND).until(() -> assignments.generation(P0) == NOT_OWNED);
        await().during(HELD).atMost(BOUND).until(() -> !revocation.isDone());
        store.release();
        revocation.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aRevocationGivesUpWaitingForASaveAfterTheRebalanceTimeout() throws Exception {
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.max-window-keys", "1",
                "sales.pipeline.rebalance-timeout", "150ms"));
        store.hold();
        windows.add(batch(0, 1), false);
        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        long started = System.nanoTime();

        // Gives up without failing: the rebalance goes on.
        CompletableFuture.runAsync(() -> listener().onPartitionsRevoked(null, List.of(P0))).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(since(started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(assignments.generation(P0)).isEqualTo(NOT_OWNED);
    }

    @Test
    void aRevocationDoesNotWaitForTheOpenWindow() throws Exception {
        windows = start(Map.of("sales.pipeline.window", "1h"));
        windows.add(batch(0, 3), false);

        // The rebalance timeout is a minute: returning within the bound means it did not wait.
        CompletableFuture.runAsync(() -> listener().onPartitionsRevoked(null, List.of(P0))).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(store.saves).isEmpty();
    }

    @Test
    void aBatchThatStopsWaitingForRoomLeavesTheOthersWaiting() {
        windows = start(Map.of("sales.pipeline.window", "1h", "sales.pipeline.max-window-keys", "1"));
        store.hold();
        windows.add(batch(0, 1), false);
        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        windows.add(batch(1, 1), false); // full while the save runs: held, and no tick comes to change that
        CompletableFuture<Void> gaveUp = windows.awaitRoom().subscribeAsCompletionStage();
        CompletableFuture<Void> waiting = windows.awaitRoom().subscribeAsCompletionStage();

        gaveUp.cancel(false); // as when the connector cancels a batch's Uni

        assertThat(waiting).as("another batch still waits").isNotDone();
        assertThat(windows.awaitRoom().subscribeAsCompletionStage()).as("still held while the save runs").isNotDone();
    }

    @Test
    void windowsCloseOnWallClockBoundaries() {
        assertThat(SalesWindows.untilNextBoundary(Duration.ofMinutes(1), 60_000 * 100 + 15_000)).hasSeconds(45);
        assertThat(SalesWindows.untilNextBoundary(Duration.ofMinutes(1), 60_000 * 100)).hasSeconds(60);
    }

    /** Polled every 5 ms: a wait lasts about as long as what it waits for, not Awaitility's 100 ms steps. */
    private static ConditionFactory await() {
        return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    private SalesWindows start(Map<String, String> properties) {
        assignments.assigned(P0, PartitionAssignments.NO_STORED_OFFSET);
        config = TestConfig.with(properties);
        SalesWindows started = WindowStubs.windows(store, resync, progress, config);
        started.start(null);
        return started;
    }

    /** The listener Kafka calls on a rebalance; a revocation needs neither the consumer nor MySQL. */
    private StoredOffsetsRebalanceListener listener() {
        return new StoredOffsetsRebalanceListener(null, null, assignments, windows, new PollPacing(), config);
    }

    /** One order per aggregate key, on {@code keys} different days, at offsets from {@code firstOffset} on. */
    private List<PartitionTotals> wide(long firstOffset, int keys) {
        PartitionTotals totals = new PartitionTotals(P0, assignments.generation(P0));
        for (int day = 1; day <= keys; day++) {
            totals.add(order(LocalDateTime.of(2026, 1, day, 0, 0)), TestCatalog.priced(1), firstOffset + day - 1);
        }
        return List.of(totals);
    }

    private long savedOrders() {
        return store.saves.stream().flatMap(window -> window.partitions().stream()).mapToLong(totals -> totals.orders).sum();
    }

    private static Duration since(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }

    /** {@code count} orders of partition 0 ending at {@code lastOffset}. */
    private List<PartitionTotals> batch(long lastOffset, int count) {
        PartitionTotals totals = new PartitionTotals(P0, assignments.generation(P0));
        for (int i = count - 1; i >= 0; i--) {
            totals.add(order(LocalDateTime.of(2026, 1, 1, 0, 0)), TestCatalog.priced(1), lastOffset - i);
        }
        return List.of(totals);
    }

    private static Order order(LocalDateTime createdAt) {
        return new Order(1, createdAt, 1, 1, 1, 1, "paypal");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
