package com.salesstream.generator;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Outgoing;

import com.salesstream.Channels;
import com.salesstream.OrderTopics;
import com.salesstream.PipelineMetrics;
import com.salesstream.SalesConfig;
import com.salesstream.catalog.Catalog;
import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;

import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kafka.Record;

/** Produces random orders to Kafka, keyed by order id, at the configured rate or as fast as the broker takes them. */
@ApplicationScoped
public class OrderGenerator {

    private static final Duration TICK = Duration.ofMillis(10);
    private static final long TICKS_PER_SECOND = Duration.ofSeconds(1).dividedBy(TICK);

    private final Catalog catalog;
    private final OrderTopics topics;
    private final OrderIdBlocks ids;
    private final RandomOrders orders;
    private final OrderCodec codec;
    private final PipelineMetrics metrics;
    private final int ratePerSecond;

    OrderGenerator(Catalog catalog, OrderTopics topics, OrderIdBlocks ids, RandomOrders orders, OrderCodec codec,
            PipelineMetrics metrics, SalesConfig config) {
        this.catalog = catalog;
        this.topics = topics;
        this.ids = ids;
        this.orders = orders;
        this.codec = codec;
        this.metrics = metrics;
        this.ratePerSecond = config.generator().ratePerSecond();
    }

    @Outgoing(Channels.ORDERS_OUT)
    public Multi<Record<String, byte[]>> generate() {
        Multi<Order> generated = Multi.createFrom().uni(catalog.ready().call(topics::ready))
                .onItem().transformToMultiAndConcatenate(known -> ratePerSecond > 0 ? paced() : orders(Long.MAX_VALUE));
        return generated.invoke(metrics::produced)
                .map(order -> Record.of(Long.toString(order.orderId()), codec.encode(order)));
    }

    /** Every tick emits the orders due by then; ticks are dropped while Kafka pushes back. */
    private Multi<Order> paced() {
        return Multi.createFrom().ticks().every(TICK)
                .onOverflow().drop()
                .onItem().transformToMultiAndConcatenate(tick -> orders(dueAt(tick + 1) - dueAt(tick)));
    }

    private long dueAt(long tick) {
        return tick * ratePerSecond / TICKS_PER_SECOND;
    }

    private Multi<Order> orders(long count) {
        if (count == 0) {
            return Multi.createFrom().empty();
        }
        return Multi.createBy().repeating().uni(ids::next).atMost(count).map(orders::create);
    }
}
