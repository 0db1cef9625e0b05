package com.salesstream.pipeline;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;

/**
 * The partitions this instance counts. Each assignment gets a new generation, so records polled and totals read
 * under an older one are recognised as stale, and remembers the next offset MySQL holds, which every save must find
 * unchanged. A partition Kafka assigned but whose stored offset is not known yet (MySQL away during the
 * rebalance, or an offset conflict being healed) is "awaiting": nothing read from it counts until it is sought to
 * its stored offset under a new generation.
 */
@ApplicationScoped
class PartitionAssignments {

    static final long NOT_OWNED = -1;
    static final long NO_STORED_OFFSET = -1;

    /**
     * A partition's state: counting from {@code storedOffset} under {@code generation}, or awaiting its offset
     * since {@code since} (System.nanoTime()).
     */
    private record Assignment(long generation, long storedOffset, boolean counting, long since) {
        Assignment(long generation, long storedOffset) {
            this(generation, storedOffset, true, 0);
        }
    }

    private final Map<TopicPartition, Assignment> assignments = new ConcurrentHashMap<>();
    private final AtomicLong lastGeneration = new AtomicLong();

    /** Counts the partition from its stored offset on, under a new generation. */
    void assigned(TopicPartition partition, long storedOffset) {
        assignments.put(partition, new Assignment(lastGeneration.incrementAndGet(), storedOffset));
    }

    /**
     * Stops counting the partition until its stored offset is known again; returns the ticket that
     * {@link #assignedIf} needs, so a later rebalance wins over a late answer.
     */
    long awaitStoredOffset(TopicPartition partition) {
        long ticket = lastGeneration.incrementAndGet();
        assignments.put(partition, new Assignment(ticket, NO_STORED_OFFSET, false, System.nanoTime()));
        return ticket;
    }

    /** {@link #assigned}, unless the partition was revoked or assigned anew since {@code ticket} was taken. */
    boolean assignedIf(TopicPartition partition, long ticket, long storedOffset) {
        Assignment current = assignments.get(partition);
        return current != null && !current.counting() && current.generation() == ticket
                && assignments.replace(partition, current, new Assignment(lastGeneration.incrementAndGet(), storedOffset));
    }

    void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(assignments::remove);
    }

    /** The generation records of the partition are read under now, or NOT_OWNED when they must not count. */
    long generation(TopicPartition partition) {
        Assignment assignment = assignments.get(partition);
        return assignment == null || !assignment.counting() ? NOT_OWNED : assignment.generation();
    }

    /** True when the totals were read under the partition's current assignment. */
    boolean isCurrent(PartitionTotals totals) {
        return isCurrent(totals.partition, totals.generation);
    }

    boolean isCurrent(TopicPartition partition, long generation) {
        return generation != NOT_OWNED && generation(partition) == generation;
    }

    /** Since when (System.nanoTime()) the longest-waiting partition awaits its stored offset; 0 when none does. */
    long awaitingSince() {
        return assignments.values().stream().filter(assignment -> !assignment.counting())
                .mapToLong(Assignment::since).min().orElse(0);
    }

    /** The next offset MySQL held for the partition when this instance last read or wrote it. */
    long storedOffset(TopicPartition partition) {
        Assignment assignment = assignments.get(partition);
        return assignment == null ? NO_STORED_OFFSET : assignment.storedOffset();
    }

    void saved(PartitionTotals totals) {
        assignments.computeIfPresent(totals.partition, (partition, assignment) -> assignment.generation() == totals.generation
                ? new Assignment(assignment.generation(), totals.lastOffset + 1)
                : assignment);
    }
}
