package com.salesstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import jakarta.enterprise.event.Event;

import com.salesstream.PipelineMetrics;
import com.salesstream.TestConfig;
import com.salesstream.order.Order;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;

/** The windows' closing, saving and back-pressure, with a store that answers when the test says so; no servers. */
class SalesWindowsTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final PartitionAssignments assignments = new PartitionAssignments();
    private final PipelineProgress progress = new PipelineProgress(assignments);
    private final StubStore store = new StubStore();
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
        windows.add(batch(0, 3));
        await().atMost(BOUND).until(() -> store.saves.size() == 1);

        // 300 window periods while the save hangs; batches keep coming meanwhile.
        for (int offset = 1; offset <= 30; offset++) {
            windows.add(batch(offset, 1));
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
        windows.add(batch(0, 1));
        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        windows.add(batch(1, 1));

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
            wide.add(order(LocalDateTime.of(2026, 1, day, 0, 0)), day);
        }

        windows.add(List.of(wide));

        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        assertThat(WindowTotals.quantities(store.saves.get(0).partitions())).hasSize(5);
    }

    @Test
    void stoppingSavesTheOpenWindow() {
        windows = start(Map.of("sales.pipeline.window", "1h"));
        windows.add(batch(0, 4));

        windows.stop();

        assertThat(store.saves).singleElement().satisfies(saved -> assertThat(saved.partitions()).singleElement()
                .satisfies(totals -> assertThat(totals.orders).isEqualTo(4)));
        windows = null;
    }

    @Test
    void stoppingWhileASaveRunsLetsItFinishThenSavesTheRest() throws Exception {
        windows = start(Map.of("sales.pipeline.window", "50ms"));
        store.hold();
        windows.add(batch(0, 2));
        await().atMost(BOUND).until(() -> store.saves.size() == 1);
        windows.add(batch(1, 3));

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
    void windowsCloseOnWallClockBoundaries() {
        assertThat(SalesWindows.untilNextBoundary(Duration.ofMinutes(1), 60_000 * 100 + 15_000)).hasSeconds(45);
        assertThat(SalesWindows.untilNextBoundary(Duration.ofMinutes(1), 60_000 * 100)).hasSeconds(60);
    }

    private SalesWindows start(Map<String, String> properties) {
        assignments.assigned(P0, PartitionAssignments.NO_STORED_OFFSET);
        SalesWindows started = new SalesWindows(store, new NoGroupOffsets(), new NoResync(), progress, new NoEvents(),
                new PipelineMetrics(new SimpleMeterRegistry()), TestConfig.with(properties));
        started.start(null);
        return started;
    }

    /** {@code count} orders of partition 0 ending at {@code lastOffset}. */
    private List<PartitionTotals> batch(long lastOffset, int count) {
        PartitionTotals totals = new PartitionTotals(P0, assignments.generation(P0));
        for (int i = count - 1; i >= 0; i--) {
            totals.add(order(LocalDateTime.of(2026, 1, 1, 0, 0)), lastOffset - i);
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

    /** Records each window it is given; while held, a save does not finish. */
    private static final class StubStore extends AggregateStore {
        final List<WindowTotals> saves = new CopyOnWriteArrayList<>();
        private final AtomicReference<CompletableFuture<Void>> gate = new AtomicReference<>(CompletableFuture.completedFuture(null));

        StubStore() {
            super(null, null, null, null, null, null);
        }

        void hold() {
            gate.set(new CompletableFuture<>());
        }

        void release() {
            gate.get().complete(null);
        }

        @Override
        Uni<List<PartitionTotals>> save(WindowTotals window) {
            saves.add(window);
            return Uni.createFrom().completionStage(gate.get()).replaceWith(List.copyOf(window.partitions()));
        }
    }

    private static final class NoGroupOffsets extends GroupOffsets {
        NoGroupOffsets() {
            super(null);
        }

        @Override
        void commit(List<PartitionTotals> saved) {
        }
    }

    /** Saved windows are announced to nobody. */
    private static final class NoEvents implements Event<WindowSaved> {
        @Override
        public void fire(WindowSaved event) {
        }

        @Override
        public <U extends WindowSaved> java.util.concurrent.CompletionStage<U> fireAsync(U event) {
            return CompletableFuture.completedFuture(event);
        }

        @Override
        public <U extends WindowSaved> java.util.concurrent.CompletionStage<U> fireAsync(U event, jakarta.enterprise.event.NotificationOptions options) {
            return CompletableFuture.completedFuture(event);
        }

        @Override
        public Event<WindowSaved> select(java.lang.annotation.Annotation... qualifiers) {
            return this;
        }

        @Override
        public <U extends WindowSaved> Event<U> select(Class<U> subtype, java.lang.annotation.Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends WindowSaved> Event<U> select(jakarta.enterprise.util.TypeLiteral<U> subtype, java.lang.annotation.Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
    }

    private static final class NoResync extends OffsetsResync {
        NoResync() {
            super(null, null, null, null, null, "earliest");
        }

        @Override
        void heal(Collection<TopicPartition> partitions) {
            throw new AssertionError("no save fails here");
        }
    }
}
