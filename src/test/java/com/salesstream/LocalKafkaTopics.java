package com.salesstream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;
import com.salesstream.servers.LocalServers;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.quarkus.test.kafka.InjectKafkaCompanion;

/**
 * Gives each test run its own orders topic and consumer group on the local Kafka broker (no containers here), and a
 * Kafka Companion for it; the topics and the group are deleted afterwards.
 */
public class LocalKafkaTopics implements QuarkusTestResourceLifecycleManager {

    static final int PARTITIONS = 4;

    private KafkaCompanion companion;
    private String topic;
    private String group;

    @Override
    public Map<String, String> start() {
        String bootstrapServers = LocalServers.KAFKA;
        String run = UUID.randomUUID().toString().substring(0, 8);
        topic = "sales_orders_test_" + run;
        group = "sales-test-" + run;
        companion = new KafkaCompanion(bootstrapServers);
        companion.topics().createAndWait(topic, PARTITIONS);
        return Map.of("kafka.bootstrap.servers", bootstrapServers,
                "sales.topic", topic,
                "sales.pipeline.group-id", group);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(companion,
                new TestInjector.AnnotatedAndMatchesType(InjectKafkaCompanion.class, KafkaCompanion.class));
    }

    /** Sends the orders to the topic, keyed by order id as the generator does, and waits for the broker to have them. */
    public static void produce(KafkaCompanion companion, String topic, OrderCodec codec, List<Order> orders) {
        companion.<String, byte[]> produceWithSerializers(new StringSerializer(), new ByteArraySerializer())
                .fromRecords(orders.stream().map(order -> new ProducerRecord<>(topic, Long.toString(order.orderId()),
                        codec.encode(order))).toList())
                .awaitCompletion(Duration.ofSeconds(60));
    }

    /**
     * The test's topics and consumer group gone from the broker. A group some member still holds (a killed
     * instance's, until its session times out) is left to Kafka's offsets retention, with a line saying so.
     */
    public static void deleteTopicsAndGroup(Admin admin, String topic, String group) throws InterruptedException {
        admin.deleteTopics(List.of(topic, topic + ".dlq"));
        try {
            admin.deleteConsumerGroups(List.of(group)).all().get();
        } catch (ExecutionException e) {
            System.out.printf("[cleanup] consumer group %s left to Kafka's retention: %s%n", group, e.getCause());
        }
    }

    @Override
    public void stop() {
        if (companion != null) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", LocalServers.KAFKA))) {
                deleteTopicsAndGroup(admin, topic, group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            companion.close();
        }
    }
}
