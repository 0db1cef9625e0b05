package com.salesstream.pipeline;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.salesstream.Channels;
import com.salesstream.PipelineMetrics;
import com.salesstream.SalesConfig;
import com.salesstream.catalog.Catalog;
import com.salesstream.catalog.CatalogSnapshot;
import com.salesstream.catalog.CatalogSnapshot.Product;
import com.salesstream.order.InvalidOrderException;
import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;
import com.salesstream.order.Rejection;
import com.salesstream.pipeline.OrderStore.Unstorable;

import io.smallrye.mutiny.Uni;

/**
 * Takes each polled batch of orders: valid ones are written to Cassandra and then counted in the current window,
 * bad ones go to the dead-letter topic, and so do valid ones Cassandra can never take. The batch is acknowledged
 * once all of that is done. One record can cost one dead letter, never the batch or the channel.
 */
@ApplicationScoped
public class OrderConsumer {

    private static final Logger LOG = Logger.getLogger(OrderConsumer.class);

    private final OrderCodec codec;
    private final Catalog catalog;
    private final OrderStore orders;
    private final DeadLetters deadLetters;
    private final SalesWindows windows;
    private final PartitionAssignments assignments;
    private final PipelineProgress progress;
    private final PollPacing pacing;
    private final PipelineMetrics metrics;
    private final SalesConfig.Pipeline config;
    /** A poll this big means the consumer is behind: see {@link SalesWindows#add}. */
    private final int maxPollRecords;
    private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
    private volatile boolean stopping;

    OrderConsumer(OrderCodec codec, Catalog catalog, OrderStore orders, DeadLetters deadLetters, SalesWindows windows,
            PartitionAssignments assignments, PipelineProgress progress, PollPacing pacing, PipelineMetrics metrics,
            SalesConfig config,
            @ConfigProperty(name = "mp.messaging.incoming.orders-in.max.poll.records") int maxPollRecords) {
        this.codec = codec;
        this.catalog = catalog;
        this.orders = orders;
        this.deadLetters = deadLetters;
        this.windows = windows;
        this.assignments = assignments;
        this.progress = progress;
        this.pacing = pacing;
        this.metrics = metrics;
        this.config = config.pipeline();
        this.maxPollRecords = maxPollRecords;
    }

    /** One polled record: its decoded order and the product it sold, or nulls once it is dead-lettered. */
    private record Entry(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, long generation, Order order,
            Product product) {
    }

    /** A valid order and the product it sold, priced by the catalog that validated it. */
    private record Sold(Order order, Product product) {
    }

    @Incoming(Channels.ORDERS_IN)
    public Uni<Void> consume(ConsumerRecords<byte[], byte[]> records) {
        pacing.noneWaiting();
        if (stopping) {
            // The last window is saved: whatever comes now is read again from the stored offsets at the next start.
            return Uni.createFrom().voidItem();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        inFlight = done;
        progress.batchStarted();
        return catalog.ready().chain(known -> store(records, known))
                .onTermination().invoke(() -> {
                    progress.batchDone();
                    done.complete(null);
                });
    }

    /** Lets the batch being stored finish, so the open window saved at shutdown holds it ({@link PipelineShutdown}). */
    void drain() {
        stopping = true;
        pacing.release();
        try {
            inFlight.get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("The batch in flight did not finish within %s: %s", config.shutdownTimeout(), e.toString());
        }
    }

    private Uni<Void> store(ConsumerRecords<byte[], byte[]> records, CatalogSnapshot known) {
        metrics.consumed(records.count());
        List<Entry> entries = new ArrayList<>(records.count());
        List<Order> valid = new ArrayList<>(records.count());
        List<Uni<Void>> deadLettered = new ArrayList<>();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                long generation = PollGenerations.of(record);
                if (!assignments.isCurrent(partition, generation)) {
                    continue; // polled before its partition was sought elsewhere: read again from there
                }
                Sold sold = decode(record, known, deadLettered);
                if (sold == null) {
                    entries.add(new Entry(partition, record, generation, null, null));
                } else {
                    entries.add(new Entry(partition, record, generation, sold.order(), sold.product()));
                    valid.add(sold.order());
                }
            }
        }
        return windows.awaitRoom()
                .chain(() -> Uni.combine().all().unis(orders.insertAll(valid), all(deadLettered))
                        .with((unstorable, sent) -> unstorable))
                .chain(unstorable -> deadLetterUnstorable(entries, unstorable))
                .invoke(unstorable -> windows.add(totals(entries, unstorable), records.count() >= maxPollRecords))
                .replaceWithVoid();
    }

    /** The record's order and product, or null after handing the record to the dead letters (whatever went wrong). */
    private Sold decode(ConsumerRecord<byte[], byte[]> record, CatalogSnapshot known, List<Uni<Void>> deadLettered) {
        try {
            Order order = codec.decode(record.value());
            return new Sold(order, known.check(order));
        } catch (InvalidOrderException e) {
            deadLettered.add(deadLetters.send(record, e.rejection(), e.getMessage()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Decoding %s-%d@%d failed unexpectedly", record.topic(), record.partition(), record.offset());
            deadLettered.add(deadLetters.send(record, Rejection.UNDECODABLE, e.toString()));
        }
        return null;
    }

    private Uni<Set<Order>> deadLetterUnstorable(List<Entry> entries, List<Unstorable> unstorable) {
        if (unstorable.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        IdentityHashMap<Order, Throwable> causes = new IdentityHashMap<>();
        unstorable.forEach(refusal -> causes.put(refusal.order(), refusal.cause()));
        List<Uni<Void>> sends = new ArrayList<>();
        for (Entry entry : entries) {
            Throwable cause = entry.order() == null ? null : causes.get(entry.order());
            if (cause != null) {
                sends.add(deadLetters.send(entry.record(), Rejection.UNSTORABLE, cause.toString()));
            }
        }
        return all(sends).replaceWith(causes.keySet()); // an identity set: equal orders are still two records
    }

    private static Uni<Void> all(List<Uni<Void>> unis) {
        return unis.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(unis).andFailFast().replaceWithVoid();
    }

    /** The batch summed per partition and generation; dead letters move their partition's offset on all the same. */
    private static List<PartitionTotals> totals(List<Entry> entries, Set<Order> unstorable) {
        List<PartitionTotals> totals = new ArrayList<>();
        PartitionTotals current = null;
        for (Entry entry : entries) {
            if (current == null || !current.partition.equals(entry.partition()) || current.generation != entry.generation()) {
                current = new PartitionTotals(entry.partition(), entry.generation());
                totals.add(current);
            }
            if (entry.order() == null || unstorable.contains(entry.order())) {
                current.skip(entry.record().offset());
            } else {
                current.add(entry.order(), entry.product(), entry.record().offset());
            }
        }
        return totals;
    }
}
