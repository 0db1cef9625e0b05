package com.salesstream.pipeline;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;

/**
 * The partitions Kafka assigns to this instance, and only those: an entry exists from the assignment to the
 * revocation, and nothing else creates one. Each partition is either counting, under a generation (so records
 * polled and totals read under an older one are recognised as stale) and from the next offset MySQL holds, which
 * every save must find unchanged; or awaiting its stored offset (MySQL away during the rebalance, the log's bounds
 * not known, an offset conflict being healed): nothing read from it counts until it is sought to its stored offset
 * under a new generation.
 */
@ApplicationScoped
class PartitionAssignments {

    static final long NOT_OWNED = -1;
    static final long NO_STORED_OFFSET = -1;

    private sealed interface Assignment permits Counting, Awaiting {
        long generation();
    }

    /** Counted from {@code storedOffset} on; records polled under {@code generation} count. */
    private record Counting(long generation, long storedOffset) implements Assignment {
    }

    /** Not counted since {@code since} (System.nanoTime()); {@code generation} is the ticket of the latest heal. */
    private record Awaiting(long generation, long since) implements Assignment {
    }

    private final Map<TopicPartition, Assignment> assignments = new ConcurrentHashMap<>();
    private final AtomicLong lastGeneration = new AtomicLong();

    /** Kafka assigned the partition and it was sought to its stored offset: counts from there, under a new generation. */
    void assigned(TopicPartition partition, long storedOffset) {
        assignments.put(partition, new Counting(lastGeneration.incrementAndGet(), storedOffset));
    }

    /** Kafka assigned the partition, but it could not be sought to its stored offset yet: it awaits a heal. */
    void assignedAwaiting(TopicPartition partition) {
        assignments.put(partition, new Awaiting(lastGeneration.incrementAndGet(), System.nanoTime()));
    }

    /**
     * Stops counting the partition until its stored offset is known again; returns the ticket that
     * {@link #assignedIf} needs, so a later rebalance wins over a late answer. A partition not assigned here
     * (revoked meanwhile) stays so, and gets NOT_OWNED: this instance has nothing to heal there. One already awaiting
     * keeps the time it has waited since, so a heal that keeps failing shows as a stall.
     */
    long awaitStoredOffset(TopicPartition partition) {
        long ticket = lastGeneration.incrementAndGet();
        Assignment awaiting = assignments.computeIfPresent(partition, (key, current) -> new Awaiting(ticket,
                current instanceof Awaiting waiting ? waiting.since() : System.nanoTime()));
        return awaiting == null ? NOT_OWNED : ticket;
    }

    /** True while the partition awaits its stored offset under this ticket: no rebalance or newer heal came since. */
    boolean awaits(TopicPartition partition, long ticket) {
        return assignments.get(partition) instanceof Awaiting awaiting && awaiting.generation() == ticket;
    }

    /** {@link #assigned}, unless the partition was revoked or assigned anew since {@code ticket} was taken. */
    boolean assignedIf(TopicPartition partition, long ticket, long storedOffset) {
        Assignment current = assignments.get(partition);
        return current instanceof Awaiting && current.generation() == ticket
                && assignments.replace(partition, current, new Counting(lastGeneration.incrementAndGet(), storedOffset));
    }

    void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(assignments::remove);
    }

    /** The generation records of the partition are read under now, or NOT_OWNED when they must not count. */
    long generation(TopicPartition partition) {
        return assignments.get(partition) instanceof Counting counting ? counting.generation() : NOT_OWNED;
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
        return assignments.values().stream().filter(Awaiting.class::isInstance)
                .mapToLong(assignment -> ((Awaiting) assignment).since()).min().orElse(0);
    }

    /** The next offset MySQL held for the partition when this instance last read or wrote it. */
    long storedOffset(TopicPartition partition) {
        return assignments.get(partition) instanceof Counting counting ? counting.storedOffset() : NO_STORED_OFFSET;
    }

    void saved(PartitionTotals totals) {
        assignments.computeIfPresent(totals.partition, (partition, assignment) -> assignment instanceof Counting
                && assignment.generation() == totals.generation
                        ? new Counting(assignment.generation(), totals.lastOffset + 1)
                        : assignment);
    }
}
