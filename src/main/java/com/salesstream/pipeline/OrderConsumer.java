package com.salesstream.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.salesstream.Channels;
import com.salesstream.PipelineMetrics;
import com.salesstream.SalesConfig;
import com.salesstream.order.InvalidOrderException;
import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;

/**
 * Takes each polled batch of orders: valid ones are written to Cassandra and then counted in the current window,
 * bad ones go to the dead-letter topic. The batch is acknowledged once all of that is done.
 */
@ApplicationScoped
public class OrderConsumer {

    private static final Logger LOG = Logger.getLogger(OrderConsumer.class);

    private final OrderCodec codec;
    private final OrderStore orders;
    private final DeadLetters deadLetters;
    private final SalesWindows windows;
    private final PartitionAssignments assignments;
    private final PipelineMetrics metrics;
    private final SalesConfig.Pipeline config;
    private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    OrderConsumer(OrderCodec codec, OrderStore orders, DeadLetters deadLetters, SalesWindows windows,
            PartitionAssignments assignments, PipelineMetrics metrics, SalesConfig config) {
        this.codec = codec;
        this.orders = orders;
        this.deadLetters = deadLetters;
        this.windows = windows;
        this.assignments = assignments;
        this.metrics = metrics;
        this.config = config.pipeline();
    }

    @Incoming(Channels.ORDERS_IN)
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        inFlight = done;
        return store(records).onTermination().invoke(() -> done.complete(null));
    }

    /** Lets the batch being stored finish before the open window is saved at shutdown. */
    void drain(@Observes @Priority(SalesWindows.STOP_PRIORITY - 1) ShutdownEvent event) {
        try {
            inFlight.get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("The batch in flight did not finish within %s: %s", config.shutdownTimeout(), e.toString());
        }
    }

    private Uni<Void> store(ConsumerRecords<String, byte[]> records) {
        metrics.consumed(records.count());
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
        // Generations are taken above, as the batch arrives: waiting for room must not make old records look new.
        return windows.awaitRoom()
                .chain(() -> Uni.join().all(writes).andFailFast())
                .invoke(() -> windows.add(totals))
                .replaceWithVoid();
    }
}
