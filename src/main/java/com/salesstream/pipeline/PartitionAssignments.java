package com.salesstream.pipeline;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;

/** The partitions this instance owns, each with a generation that grows at every (re)assignment. */
@ApplicationScoped
class PartitionAssignments {

    static final long NOT_OWNED = -1;

    private final Map<TopicPartition, Long> generations = new ConcurrentHashMap<>();
    private final AtomicLong lastGeneration = new AtomicLong();

    void assigned(Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> generations.put(partition, lastGeneration.incrementAndGet()));
    }

    void revoked(Collection<TopicPartition> partitions) {
        partitions.forEach(generations::remove);
    }

    long generation(TopicPartition partition) {
        return generations.getOrDefault(partition, NOT_OWNED);
    }

    /** True when the totals were read under the partition's current assignment. */
    boolean isCurrent(PartitionTotals totals) {
        return totals.generation != NOT_OWNED && generation(totals.partition) == totals.generation;
    }
}
