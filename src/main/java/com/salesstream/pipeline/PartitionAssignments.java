package com.salesstream.pipeline;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;

/**
 * The partitions this instance owns. Each assignment gets a new generation, so totals read under an older one are
 * recognised as stale, and remembers the next offset MySQL holds, which every save must find unchanged.
 */
@ApplicationScoped
class PartitionAssignments {

    static final long NOT_OWNED = -1;
    static final long NO_STORED_OFFSET = -1;

    private record Assignment(long generation, long storedOffset) {
    }

    private final Map<TopicPartition, Assignment> assignments = new ConcurrentHashMap<>();
    private final AtomicLong lastGeneration = new AtomicLong();

    void assigned(TopicPartition partition, long storedOffset) {
        assignments.put(partition, new Assignment(lastGeneration.incrementAndGet(), storedOffset));
    }

    void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(assignments::remove);
    }

    long generation(TopicPartition partition) {
        Assignment assignment = assignments.get(partition);
        return assignment == null ? NOT_OWNED : assignment.generation();
    }

    /** True when the totals were read under the partition's current assignment. */
    boolean isCurrent(PartitionTotals totals) {
        return totals.generation != NOT_OWNED && generation(totals.partition) == totals.generation;
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
