package com.salesstream.pipeline;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/** Everything one processing window read, partition by partition, and when it started. */
final class WindowTotals {

    private final Map<TopicPartition, PartitionTotals> partitions = new HashMap<>();
    /** UTC: today's per-minute chart shows each window at its start, whatever it lasted or when it was saved. */
    private final LocalDateTime startedAt = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);

    LocalDateTime startedAt() {
        return startedAt;
    }

    /** Adds a batch; a partition re-assigned in between restarts from its stored offset, so older totals go. */
    WindowTotals add(List<PartitionTotals> batch) {
        for (PartitionTotals totals : batch) {
            partitions.merge(totals.partition, totals, (current, next) -> {
                if (next.generation > current.generation) {
                    return next;
                }
                if (next.generation == current.generation) {
                    current.merge(next);
                }
                return current;
            });
        }
        return this;
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    /** At least as many as the distinct aggregate keys: what the window's memory and its save grow with. */
    int keys() {
        int keys = 0;
        for (PartitionTotals totals : partitions.values()) {
            keys += totals.quantities.size();
        }
        return keys;
    }

    Collection<PartitionTotals> partitions() {
        return partitions.values();
    }

    /** The given partitions' quantities summed per key. */
    static List<Sale> sales(Collection<PartitionTotals> partitions) {
        Map<AggregateKey, Long> sums = new HashMap<>();
        partitions.forEach(totals -> totals.quantities.forEach((key, quantity) -> sums.merge(key, quantity, Long::sum)));
        return sums.entrySet().stream().map(sum -> new Sale(sum.getKey(), sum.getValue())).toList();
    }
}
