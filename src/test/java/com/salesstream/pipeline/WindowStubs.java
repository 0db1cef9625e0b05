package com.salesstream.pipeline;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.inject.Vetoed;

import jakarta.enterprise.event.Event;

import org.apache.kafka.common.TopicPartition;

import com.salesstream.PipelineMetrics;
import com.salesstream.SalesConfig;
import com.salesstream.TestConfig;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;

/** Stand-ins for what SalesWindows talks to: MySQL, the Kafka group, the CDI event and the offsets' healer. */
final class WindowStubs {

    private WindowStubs() {
    }

    /** Real windows around these stubs, not started. */
    static SalesWindows windows(StubStore store, RecordingResync resync, PipelineProgress progress, SalesConfig config) {
        return new SalesWindows(store, new NoGroupOffsets(), resync, progress, new NoEvents(),
                new PipelineMetrics(new SimpleMeterRegistry()), config);
    }

    /** Records each window it is given; while held, a save does not finish; told to, it fails the next one. */
    @Vetoed
    static final class StubStore extends AggregateStore {
        final List<WindowTotals> saves = new CopyOnWriteArrayList<>();
        private final AtomicReference<CompletableFuture<Void>> gate = new AtomicReference<>(CompletableFuture.completedFuture(null));
        private final AtomicReference<RuntimeException> nextFailure = new AtomicReference<>();

        StubStore() {
            super(null, null, null, null, null, null);
        }

        void hold() {
            gate.set(new CompletableFuture<>());
        }

        void release() {
            gate.get().complete(null);
        }

        void failNext(RuntimeException failure) {
            nextFailure.set(failure);
        }

        @Override
        Uni<List<PartitionTotals>> save(WindowTotals window) {
            saves.add(window);
            RuntimeException failure = nextFailure.getAndSet(null);
            if (failure != null) {
                return Uni.createFrom().failure(failure);
            }
            return Uni.createFrom().completionStage(gate.get()).replaceWith(List.copyOf(window.partitions()));
        }
    }

    @Vetoed
    static final class NoGroupOffsets extends GroupOffsets {
        NoGroupOffsets() {
            super(null);
        }

        @Override
        void commit(List<PartitionTotals> saved) {
        }
    }

    /** Saved windows are announced to nobody. */
    static final class NoEvents implements Event<WindowSaved> {
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

    /** Records the partitions it is asked to heal; none is sought anywhere. */
    @Vetoed
    static final class RecordingResync extends OffsetsResync {
        final List<Collection<TopicPartition>> healed = new CopyOnWriteArrayList<>();

        RecordingResync() {
            super(null, null, null, null, null, TestConfig.defaults(), "earliest");
        }

        @Override
        void heal(Collection<TopicPartition> partitions) {
            healed.add(List.copyOf(partitions));
        }
    }
}
