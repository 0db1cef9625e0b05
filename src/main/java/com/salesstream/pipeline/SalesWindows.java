package com.salesstream.pipeline;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.salesstream.PipelineMetrics;
import com.salesstream.SalesConfig;

import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.SerializedProcessor;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

/**
 * Groups the stored orders into processing windows with Mutiny and saves each window's aggregates. Batches
 * arrive already summed per partition, so a window holds a few sums, never the orders themselves. While MySQL
 * lags, new batches wait (see {@link #awaitRoom()}) instead of piling up.
 */
@ApplicationScoped
public class SalesWindows {

    /** Observer priority of {@link #stop}: after the consumer has drained its batch. */
    static final int STOP_PRIORITY = Interceptor.Priority.APPLICATION + 100;

    private static final Logger LOG = Logger.getLogger(SalesWindows.class);

    // Serialized: with consumer concurrency above 1, batches arrive from several threads.
    private final SerializedProcessor<List<PartitionTotals>, List<PartitionTotals>> batches = UnicastProcessor.<List<PartitionTotals>> create().serialized();
    private final AggregateStore store;
    private final PartitionAssignments assignments;
    private final PipelineMetrics metrics;
    private final SalesConfig.Pipeline config;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Windows opened and not saved yet, the open one included. */
    private final AtomicInteger unsaved = new AtomicInteger();
    private volatile CompletableFuture<Void> saving = CompletableFuture.completedFuture(null);

    SalesWindows(AggregateStore store, PartitionAssignments assignments, PipelineMetrics metrics, SalesConfig config) {
        this.store = store;
        this.assignments = assignments;
        this.metrics = metrics;
        this.config = config.pipeline();
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        Multi.createFrom().publisher(batches).group().intoMultis().every(config.window())
                .onItem().invoke(unsaved::incrementAndGet)
                // Windows keep opening while an earlier one is saved; awaitRoom() holds the batches back, so
                // the windows queued here are empty.
                .onOverflow().buffer()
                .onItem().transformToUniAndConcatenate(window -> window.collect().in(WindowTotals::new, WindowTotals::add))
                .onItem().transformToUniAndConcatenate(this::save)
                .subscribe().with(saved -> {
                }, failure -> {
                    LOG.error("The aggregation windows stopped", failure);
                    drained.completeExceptionally(failure);
                }, () -> drained.complete(null));
    }

    /** Completes once there is room for one more batch: at most max-pending-windows closed windows wait for MySQL. */
    Uni<Void> awaitRoom() {
        if (hasRoom()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().voidItem()
                .invoke(() -> {
                    if (!hasRoom()) {
                        throw new IllegalStateException("windows wait for MySQL");
                    }
                })
                .onFailure().retry().withBackOff(config.minRetryBackoff(), config.maxRetryBackoff()).indefinitely();
    }

    private boolean hasRoom() {
        return unsaved.get() - 1 <= config.maxPendingWindows();
    }

    void add(List<PartitionTotals> batch) {
        batches.onNext(batch);
    }

    /** Waits for the window being saved, so a revoked partition's offsets are final before another owner reads them. */
    void awaitSaving() throws TimeoutException {
        try {
            saving.get(config.rebalanceTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Saves the open window before the MySQL pool closes; what it misses is re-read from the stored offsets. */
    void stop(@Observes @Priority(STOP_PRIORITY) ShutdownEvent event) {
        if (!config.enabled()) {
            return;
        }
        batches.onComplete();
        try {
            drained.get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Open window saved");
        } catch (Exception e) {
            LOG.warnf("The open window was not saved within %s (%s); it will be read again at the next start",
                    config.shutdownTimeout(), e.toString());
        }
    }

    private Uni<Void> save(WindowTotals window) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        // Published before the store filters the partitions: a revocation either waits for this save or is seen.
        saving = done;
        Timer.Sample sample = Timer.start();
        return store.save(window).onTermination().invoke(() -> {
            sample.stop(metrics.windowSave());
            unsaved.decrementAndGet();
            done.complete(null);
        });
    }
}
