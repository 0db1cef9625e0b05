package com.salesstream.pipeline;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.salesstream.SalesConfig;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

/**
 * Groups the stored orders into processing windows with Mutiny and saves each window's aggregates. Batches
 * arrive already summed per partition, so a window holds a few sums, never the orders themselves.
 */
@ApplicationScoped
public class SalesWindows {

    private static final Logger LOG = Logger.getLogger(SalesWindows.class);

    private final UnicastProcessor<List<PartitionTotals>> batches = UnicastProcessor.create();
    private final AggregateStore store;
    private final PartitionAssignments assignments;
    private final SalesConfig.Pipeline config;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile CompletableFuture<Void> saving = CompletableFuture.completedFuture(null);

    SalesWindows(AggregateStore store, PartitionAssignments assignments, SalesConfig config) {
        this.store = store;
        this.assignments = assignments;
        this.config = config.pipeline();
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        batches.group().intoMultis().every(config.window())
                // A window opens while the previous one is still being collected or saved.
                .onOverflow().buffer(config.maxPendingWindows())
                .onItem().transformToUniAndConcatenate(window -> window.collect().in(WindowTotals::new, WindowTotals::add))
                .onItem().transformToUniAndConcatenate(this::save)
                .subscribe().with(saved -> {
                }, failure -> {
                    LOG.error("The aggregation windows stopped", failure);
                    drained.completeExceptionally(failure);
                }, () -> drained.complete(null));
    }

    /** Saves the open window before the MySQL pool closes; what it misses is re-read from the stored offsets. */
    void stop(@Observes ShutdownEvent event) {
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

    private Uni<Void> save(WindowTotals window) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        saving = done;
        // Filtered after `saving` is published: a revocation either waits for this save or is seen by the filter.
        List<PartitionTotals> current = window.partitions().stream().filter(assignments::isCurrent).toList();
        return store.save(current).onTermination().invoke(() -> done.complete(null));
    }
}
