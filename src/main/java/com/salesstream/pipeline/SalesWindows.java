package com.salesstream.pipeline;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.salesstream.PipelineMetrics;
import com.salesstream.SalesConfig;

import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.SerializedProcessor;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Sums the stored orders into processing windows and saves each closed window's aggregates. Windows close on ticks
 * aligned to the wall clock (every {@code sales.pipeline.window}), or early: once the open one holds
 * {@code max-window-keys} keys, or once the consumer has caught up with a backlog (a short poll after full ones, or no
 * poll for a quarter of {@code catch-up-window}: the backlog ended on a full one; full ones in this window or the one
 * before) and the window is at least {@code catch-up-window} old. Batches arrive already summed per partition, so a
 * window holds a few sums, never the orders. One window is saved at a time: a tick that comes while a save is still
 * running is dropped and the open window simply keeps summing (no empty window queues up behind the save), and once it
 * is overdue by {@code max-pending-windows} periods, or full, new batches wait ({@link #awaitRoom()}) until the save is
 * done.
 */
@ApplicationScoped
public class SalesWindows {

    private static final Logger LOG = Logger.getLogger(SalesWindows.class);

    private final AggregateStore store;
    private final GroupOffsets groupOffsets;
    private final OffsetsResync resync;
    private final PipelineProgress progress;
    private final Event<WindowSaved> saved;
    private final PipelineMetrics metrics;
    private final SalesConfig.Pipeline config;
    // Serialized: with consumer concurrency above 1, batches (and so early closes) come from several threads.
    private final SerializedProcessor<Long, Long> earlyCloses = UnicastProcessor.<Long> create().serialized();
    private Cancellable ticks;

    // Guarded by this.
    private WindowTotals open = new WindowTotals();
    /** Closes due (ticks or a full window) that came while a save was running. */
    private int overdue;
    private boolean earlyCloseRequested;
    /** The open window holds a full poll: the consumer was behind. */
    private boolean backlog;
    /**
     * The window before held one: a short poll in the middle of a backlog (a fetch that brought fewer records) can
     * close a window early, and the backlog's end may then come in short polls only.
     */
    private boolean backlogBefore;
    private long openedAt = System.nanoTime();
    private long lastAdded = System.nanoTime();
    /** Set by {@link #stop}: from then on only the last window is saved. */
    private boolean stopped;
    private CompletableFuture<Void> saving = CompletableFuture.completedFuture(null);
    private CompletableFuture<Void> room = CompletableFuture.completedFuture(null);

    SalesWindows(AggregateStore store, GroupOffsets groupOffsets, OffsetsResync resync, PipelineProgress progress,
            Event<WindowSaved> saved, PipelineMetrics metrics, SalesConfig config) {
        this.store = store;
        this.groupOffsets = groupOffsets;
        this.resync = resync;
        this.progress = progress;
        this.saved = saved;
        this.metrics = metrics;
        this.config = config.pipeline();
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        Multi<Long> closes = Multi.createBy().merging().streams(
                Multi.createFrom().ticks().startingAfter(untilNextBoundary(config.window(), System.currentTimeMillis()))
                        .every(config.window()),
                earlyCloses,
                Multi.createFrom().ticks().every(idleAfter()).select().where(tick -> caughtUpWhileIdle()));
        ticks = closes.onOverflow().invoke(this::closeDue).drop()
                .onItem().transformToUniAndConcatenate(close -> saveOpen(false))
                .subscribe().with(saved -> {
                }, failure -> {
                    LOG.error("The aggregation windows stopped; liveness is DOWN", failure);
                    progress.windowsFailed(failure);
                });
    }

    /** Time until the next multiple of the window since the epoch: instances agree on when windows close. */
    static Duration untilNextBoundary(Duration window, long nowMillis) {
        long length = window.toMillis();
        return Duration.ofMillis(length - nowMillis % length);
    }

    /** Completes once batches may go on: see the class comment. */
    Uni<Void> awaitRoom() {
        CompletableFuture<Void> current;
        synchronized (this) {
            current = room;
        }
        // Each waiter gets its own copy: Mutiny cancels the stage of a cancelled Uni, and one batch giving up must
        // neither fail the others nor lift the hold.
        return current.isDone() ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(current.copy());
    }

    /** Counts a stored batch; {@code fullPoll} says its poll returned as many records as a poll may. */
    void add(List<PartitionTotals> batch, boolean fullPoll) {
        boolean closeEarly;
        CompletableFuture<Void> released;
        synchronized (this) {
            open.add(batch);
            lastAdded = System.nanoTime();
            backlog |= fullPoll;
            boolean caughtUp = afterBacklog() && !fullPoll
                    && System.nanoTime() - openedAt >= config.catchUpWindow().toNanos();
            closeEarly = (open.keys() >= config.maxWindowKeys() || caughtUp) && !earlyCloseRequested;
            if (closeEarly) {
                earlyCloseRequested = true;
            }
            released = updateRoom();
        }
        release(released);
        if (closeEarly) {
            earlyCloses.onNext(System.nanoTime());
        }
    }

    /** No poll for this long after a backlog: the consumer is at the end of the log. */
    private Duration idleAfter() {
        return Duration.ofMillis(Math.max(10, config.catchUpWindow().toMillis() / 4));
    }

    /** This window or the one before held a full poll. Called under the lock. */
    private boolean afterBacklog() {
        return backlog || backlogBefore;
    }

    /** Requests the catch-up close when the backlog ended on a full poll, so no short one came to request it. */
    private synchronized boolean caughtUpWhileIdle() {
        long now = System.nanoTime();
        boolean close = afterBacklog() && !earlyCloseRequested && now - lastAdded >= idleAfter().toNanos()
                && now - openedAt >= config.catchUpWindow().toNanos();
        earlyCloseRequested |= close;
        return close;
    }

    /** Waits for the window being saved, so a revoked partition's offsets are final before another owner reads them. */
    void awaitSaving() throws TimeoutException {
        awaitSaving(config.rebalanceTimeout());
    }

    private void awaitSaving(Duration atMost) throws TimeoutException {
        CompletableFuture<Void> current;
        synchronized (this) {
            current = saving;
        }
        try {
            current.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops closing windows, lets a save in progress finish (cancelling it could let the next save move the stored
     * offsets past its orders) and saves the open window; what it misses is re-read from the stored offsets.
     */
    void stop() {
        if (!config.enabled() || ticks == null) {
            return;
        }
        synchronized (this) {
            stopped = true;
        }
        try {
            awaitSaving(config.shutdownTimeout());
            saveOpen(true).await().atMost(config.shutdownTimeout());
            LOG.info("Open window saved");
        } catch (Exception e) {
            LOG.warnf("The open window was not saved within %s (%s); it will be read again at the next start",
                    config.shutdownTimeout(), e.toString());
        } finally {
            ticks.cancel();
        }
    }

    private void closeDue(long close) {
        synchronized (this) {
            overdue++;
            updateRoom();
        }
    }

    /**
     * Closes the open window and saves it; a close that came due meanwhile is saved right after. Once stopped, only
     * the {@code last} save runs.
     */
    private Uni<Void> saveOpen(boolean last) {
        WindowTotals closed;
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> released;
        synchronized (this) {
            if (stopped && !last) {
                return Uni.createFrom().voidItem();
            }
            closed = open;
            open = new WindowTotals();
            openedAt = System.nanoTime();
            // One window on only: after a backlog, steady short polls go back to one window per period.
            backlogBefore = backlog;
            backlog = false;
            overdue = 0;
            earlyCloseRequested = false;
            if (!closed.isEmpty()) {
                // Published before the store filters the partitions: a revocation either waits for this save or is seen.
                saving = done;
            }
            released = updateRoom();
        }
        release(released);
        if (closed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        progress.saveStarted();
        Timer.Sample sample = Timer.start();
        return store.save(closed)
                .invoke(groupOffsets::commit)
                .invoke(partitions -> saved.fireAsync(new WindowSaved(LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS))))
                .onFailure().invoke(failure -> {
                    // Never skip it: the next save would move the stored offsets past these orders.
                    LOG.error("A window save failed unexpectedly; its partitions are read again from their stored offsets", failure);
                    resync.heal(closed.partitions().stream().map(totals -> totals.partition).distinct().toList());
                })
                .onFailure().recoverWithNull()
                .onTermination().invoke(() -> {
                    sample.stop(metrics.windowSave());
                    progress.saveDone();
                    done.complete(null);
                    CompletableFuture<Void> freed;
                    synchronized (this) {
                        freed = updateRoom();
                    }
                    release(freed);
                })
                .chain(() -> !last && isOverdue() ? saveOpen(false) : Uni.createFrom().voidItem());
    }

    private synchronized boolean isOverdue() {
        return overdue > 0;
    }

    /**
     * Batches wait while a save runs and the open window is overdue by max-pending-windows closes or full. Called
     * under the lock; returns the waiting batches' future to complete once the lock is released, or null.
     */
    private CompletableFuture<Void> updateRoom() {
        boolean hold = !saving.isDone() && (overdue >= config.maxPendingWindows() || open.keys() >= config.maxWindowKeys());
        if (hold && room.isDone()) {
            room = new CompletableFuture<>();
        } else if (!hold && !room.isDone()) {
            return room;
        }
        return null;
    }

    /** Lets the waiting batches go on, outside the lock: they continue on this thread. */
    private static void release(CompletableFuture<Void> room) {
        if (room != null) {
            room.complete(null);
        }
    }
}
