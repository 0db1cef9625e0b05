package com.salesstream.support;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.salesstream.TestConfig;
import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;
import com.salesstream.servers.LocalServers;

/** Produces a list of orders to a topic at a steady rate, in the background, riding out broker outages. */
public final class OrderFeed implements AutoCloseable {

    private static final Duration TICK = Duration.ofMillis(10);

    private final String topic;
    private final int planned;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final long[] sentAtMillis;
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean stopped;
    private volatile int handedOver;

    private OrderFeed(String bootstrapServers, String topic, List<Order> orders, int perSecond) {
        OrderCodec codec = new OrderCodec(TestConfig.defaults());
        this.topic = topic;
        this.planned = orders.size();
        this.sentAtMillis = new long[orders.size()];
        // Long timeouts: a send waits for a broker that is down for a while instead of failing. One request in
        // flight: a first batch refused by a partition that has just been created (NOT_LEADER_OR_FOLLOWER) is retried
        // alone; with the batches after it already in flight, the idempotent producer was once stuck for minutes on
        // OUT_OF_ORDER_SEQUENCE_NUMBER (ResilienceIT, 2026-12-02).
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
        this.thread = new Thread(() -> {
            try {
                long started = System.nanoTime();
                for (int i = 0; i < orders.size() && !stopped; i++) {
                    Order order = orders.get(i);
                    sentAtMillis[i] = System.currentTimeMillis();
                    producer.send(new ProducerRecord<>(topic, Long.toString(order.orderId()), codec.encode(order)),
                            (metadata, error) -> {
                                if (error == null) {
                                    acknowledged.incrementAndGet();
                                } else {
                                    failure.compareAndSet(null, error);
                                }
                            });
                    handedOver = i + 1;
                    long ahead = started + TimeUnit.SECONDS.toNanos(i + 1) / perSecond - System.nanoTime();
                    if (ahead > TICK.toNanos()) {
                        TimeUnit.NANOSECONDS.sleep(ahead);
                    }
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }, "order-feed");
    }

    public static OrderFeed start(String topic, List<Order> orders, int perSecond) {
        return start(LocalServers.KAFKA, topic, orders, perSecond);
    }

    /** The same to the brokers of this list (acks=all, the producer's default). */
    public static OrderFeed start(String bootstrapServers, String topic, List<Order> orders, int perSecond) {
        OrderFeed feed = new OrderFeed(bootstrapServers, topic, orders, perSecond);
        feed.thread.start();
        return feed;
    }

    /** Stops producing; returns how many orders, from the first on, were produced, once the broker has them all. */
    public int stop(Duration within) throws InterruptedException {
        stopped = true;
        awaitSent(within);
        return handedOver;
    }

    /** When each order was handed to the producer (epoch milliseconds), by position in the list. */
    public long[] sentAtMillis() {
        return sentAtMillis;
    }

    /**
     * Waits until the broker has acknowledged every order handed over; fails with what the feed was doing when it did
     * not finish in time or a send failed.
     */
    public void awaitSent(Duration within) throws InterruptedException {
        thread.join(within.toMillis());
        if (thread.isAlive()) {
            String at = Arrays.stream(thread.getStackTrace()).limit(8).map(frame -> "\n\tat " + frame)
                    .collect(Collectors.joining());
            throw new IllegalStateException("Feed of " + topic + " not done after " + within + ": " + progress()
                    + "; the feed thread is" + at);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Feed of " + topic + " failed: " + progress(), failure.get());
        }
    }

    private String progress() {
        return handedOver + " of " + planned + " orders handed to the producer, " + acknowledged.get()
                + " acknowledged by the broker";
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
        producer.close();
    }
}
