package com.salesstream.pipeline;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether the pipeline moves: a batch that is not stored, a window save that does not finish, or a partition that
 * waits for its stored offset, for longer than a given time, is a stall. An idle topic is not: nothing waits.
 */
@ApplicationScoped
class PipelineProgress {

    private final PartitionAssignments assignments;
    /** System.nanoTime() when the batch in flight arrived, or the window save began; 0 when there is none. */
    private final AtomicLong batchSince = new AtomicLong();
    private final AtomicLong saveSince = new AtomicLong();
    private volatile Throwable windowsFailure;

    PipelineProgress(PartitionAssignments assignments) {
        this.assignments = assignments;
    }

    void batchStarted() {
        batchSince.set(System.nanoTime());
    }

    void batchDone() {
        batchSince.set(0);
    }

    void saveStarted() {
        saveSince.set(System.nanoTime());
    }

    void saveDone() {
        saveSince.set(0);
    }

    void windowsFailed(Throwable failure) {
        windowsFailure = failure;
    }

    /** Set when the windows' stream ended in failure: nothing is aggregated any more. */
    Throwable windowsFailure() {
        return windowsFailure;
    }

    /** What has not moved for at least {@code limit}, or null when nothing has stalled that long. */
    String stalledFor(Duration limit) {
        long now = System.nanoTime();
        if (waitedAtLeast(batchSince.get(), now, limit)) {
            return "a batch has not been stored for " + since(batchSince.get(), now);
        }
        if (waitedAtLeast(saveSince.get(), now, limit)) {
            return "a window has not been saved to MySQL for " + since(saveSince.get(), now);
        }
        long awaiting = assignments.awaitingSince();
        if (waitedAtLeast(awaiting, now, limit)) {
            return "an assigned partition has waited for its stored offset for " + since(awaiting, now);
        }
        return null;
    }

    private static boolean waitedAtLeast(long since, long now, Duration limit) {
        return since != 0 && now - since >= limit.toNanos();
    }

    private static Duration since(long since, long now) {
        return Duration.ofNanos(now - since).withNanos(0);
    }
}
