package com.salesstream.pipeline;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

import com.salesstream.catalog.CatalogSnapshot.Product;
import com.salesstream.order.Order;

/**
 * Quantities summed per aggregate key over consecutive records of one partition, and the last offset they cover.
 * The generation is the partition's assignment when the records were read: totals of an older assignment are stale.
 */
final class PartitionTotals {

    final TopicPartition partition;
    final long generation;
    final Map<AggregateKey, Long> quantities = new HashMap<>();
    long lastOffset = -1;
    long orders;

    PartitionTotals(TopicPartition partition, long generation) {
        this.partition = partition;
        this.generation = generation;
    }

    /** An order of the given product, as the catalog that validated it priced it. */
    void add(Order order, Product product, long offset) {
        quantities.merge(new AggregateKey(order.createdAt().toLocalDate(), order.platformId(), product),
                (long) order.quantity(), Long::sum);
        lastOffset = offset;
        orders++;
    }

    /** A record that adds nothing (a dead letter) still moves the offset forward. */
    void skip(long offset) {
        lastOffset = offset;
    }

    void merge(PartitionTotals later) {
        later.quantities.forEach((key, quantity) -> quantities.merge(key, quantity, Long::sum));
        lastOffset = later.lastOffset;
        orders += later.orders;
    }
}
