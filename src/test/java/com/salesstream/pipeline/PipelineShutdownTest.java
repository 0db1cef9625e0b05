package com.salesstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.inject.Vetoed;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

import com.salesstream.PipelineMetrics;
import com.salesstream.SalesConfig;
import com.salesstream.TestCatalog;
import com.salesstream.TestConfig;
import com.salesstream.catalog.HeldCatalog;
import com.salesstream.order.Order;
import com.salesstream.pipeline.WindowStubs.RecordingResync;
import com.salesstream.pipeline.WindowStubs.StubStore;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

/** A graceful stop's order: the batch in flight is stored, then the open window is saved; no servers. */
class PipelineShutdownTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final SalesConfig config = TestConfig.with(Map.of("sales.pipeline.window", "1h"));
    private final PartitionAssignments assignments = new PartitionAssignments();
    private final PipelineProgress progress = new PipelineProgress(assignments);
    private final PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    private final HeldCatalog catalog = new HeldCatalog(config);
    private final StubStore store = new StubStore();
    private final SalesWindows windows = WindowStubs.windows(store, new RecordingResync(), progress, config);
    private final OrderConsumer consumer = new OrderConsumer(null, catalog, new NoOrderStore(config), null, windows,
            assignments, progress, new PollPacing(), metrics, config, 1_000);

    @Test
    void theOpenWindowIsSavedOnlyOnceTheBatchInFlightIsDone() throws Exception {
        assignments.assigned(P0, PartitionAssignments.NO_STORED_OFFSET);
        windows.start(null);
        windows.add(List.of(totals(4)), false);
        UniAssertSubscriber<Void> batch = consumer.consume(ConsumerRecords.empty()).subscribe()
                .withSubscriber(UniAssertSubscriber.create());

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> new PipelineShutdown(consumer, windows).stop(null));
        await().during(Duration.ofMillis(100)).atMost(BOUND).until(() -> !stopped.isDone());
        assertThat(store.saves).as("nothing saved while the batch is in flight").isEmpty();

        catalog.release();

        stopped.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        batch.assertCompleted();
        assertThat(store.saves).singleElement().satisfies(window -> assertThat(window.partitions()).singleElement()
                .satisfies(totals -> assertThat(totals.orders).isEqualTo(4)));
    }

    @Test
    void aBatchThatComesAfterTheStopIsLeftForTheNextStart() {
        windows.start(null);
        new PipelineShutdown(consumer, windows).stop(null);

        // The catalog is held: a batch that tried to store anything would not complete.
        consumer.consume(ConsumerRecords.empty()).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertCompleted();
        assertThat(store.saves).isEmpty();
    }

    /** Polled every 5 ms: a wait lasts about as long as what it waits for, not Awaitility's 100 ms steps. */
    private static ConditionFactory await() {
        return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    private PartitionTotals totals(int orders) {
        PartitionTotals totals = new PartitionTotals(P0, assignments.generation(P0));
        for (int offset = 0; offset < orders; offset++) {
            totals.add(new Order(offset + 1, LocalDateTime.of(2026, 1, 1, 0, 0), 1, 1, 1, 1, "paypal"), TestCatalog.priced(1), offset);
        }
        return totals;
    }

    /** An empty batch writes nothing to Cassandra. */
    @Vetoed
    private static final class NoOrderStore extends OrderStore {
        NoOrderStore(SalesConfig config) {
            super(Uni.createFrom().nothing(), null, null, config, "datacenter1");
        }

        @Override
        public Uni<List<Unstorable>> insertAll(List<Order> orders) {
            assertThat(orders).isEmpty();
            return Uni.createFrom().item(List.of());
        }
    }
}
