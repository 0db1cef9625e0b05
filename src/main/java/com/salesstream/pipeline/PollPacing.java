package com.salesstream.pipeline;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps the connector's queue of polled batches at one batch ahead of the consumer: a poll that brings records
 * while an earlier batch still waits for the consumer holds the polling thread until the consumer takes it. Left
 * alone, the queue fills in every backlog, the connector pauses the partitions, and it polls a paused consumer every
 * 2 ms for nothing (SmallRye's {@code KafkaRecordStreamSubscription}): that spin was as much CPU as storing the
 * orders (docs/BENCHMARKS.md). One consumer per instance (the channel's default concurrency of 1).
 * <p>
 * The hold is bounded: while batches cannot be stored (MySQL away, the windows full) the connector's own pause
 * comes back, and rebalances, heals and the connector's close, which run on the polling thread too, wait at most
 * that long.
 */
@ApplicationScoped
class PollPacing {

    /** The longest the polling thread is held for one poll. */
    static final Duration MAX_HOLD = Duration.ofSeconds(1);

    private final long maxHoldNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition noneWaiting = lock.newCondition();
    // Guarded by lock.
    /** A polled batch has not been taken by the consumer yet. */
    private boolean waiting;
    private boolean released;

    PollPacing() {
        this(MAX_HOLD);
    }

    PollPacing(Duration maxHold) {
        this.maxHoldNanos = maxHold.toNanos();
    }

    /** On the polling thread, for a poll that brought records: returns once they may be queued. */
    void polled() {
        lock.lock();
        try {
            long left = maxHoldNanos;
            while (waiting && !released && left > 0) {
                left = noneWaiting.awaitNanos(left);
            }
            waiting = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** No polled batch waits any more: the consumer took it, or the connector dropped it with revoked partitions. */
    void noneWaiting() {
        lock.lock();
        try {
            waiting = false;
            noneWaiting.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** From now on polls are never held: the service is stopping. */
    void release() {
        lock.lock();
        try {
            released = true;
            noneWaiting.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
