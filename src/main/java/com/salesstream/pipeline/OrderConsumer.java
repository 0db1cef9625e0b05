package com.salesstream.pipeline;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.salesstream.Channels;
import com.salesstream.order.InvalidOrderException;
import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;

import io.smallrye.mutiny.Uni;

/**
 * Takes each polled batch of orders: valid ones are written to Cassandra and then counted in the current window,
 * bad ones go to the dead-letter topic. The batch is acknowledged once all of that is done.
 */
@ApplicationScoped
public class OrderConsumer {

    private final OrderCodec codec;
    private final OrderStore orders;
    private final DeadLetters deadLetters;
    private final SalesWindows windows;
    private final PartitionAssignments assignments;

    OrderConsumer(OrderCodec codec, OrderStore orders, DeadLetters deadLetters, SalesWindows windows,
            PartitionAssignments assignments) {
        this.codec = codec;
        this.orders = orders;
        this.deadLetters = deadLetters;
        this.windows = windows;
        this.assignments = assignments;
    }

    @Incoming(Channels.ORDERS_IN)
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<Order> valid = new ArrayList<>(records.count());
        List<PartitionTotals> totals = new ArrayList<>(records.partitions().size());
        List<Uni<Void>> writes = new ArrayList<>();
        for (TopicPartition partition : records.partitions()) {
            PartitionTotals partitionTotals = new PartitionTotals(partition, assignments.generation(partition));
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                try {
                    Order order = codec.decode(record.value());
                    valid.add(order);
                    partitionTotals.add(order, record.offset());
                } catch (InvalidOrderException e) {
                    partitionTotals.skip(record.offset());
                    writes.add(deadLetters.send(record, e));
                }
            }
            totals.add(partitionTotals);
        }
        writes.add(orders.insertAll(valid));
        return Uni.join().all(writes).andFailFast().invoke(() -> windows.add(totals)).replaceWithVoid();
    }
}
