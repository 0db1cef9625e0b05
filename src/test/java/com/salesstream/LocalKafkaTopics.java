package com.salesstream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;
import com.salesstream.servers.LocalServers;
import com.salesstream.support.TestTopics;

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

    /** The KafkaCompanion's own groups whose offsets are all on this test's topics. */
    private List<String> companionGroups(Admin admin) throws Exception {
        List<String> groups = new ArrayList<>();
        for (ConsumerGroupListing listing : admin.listConsumerGroups().all().get()) {
            if (listing.groupId().startsWith("companion-")) {
                var offsets = admin.listConsumerGroupOffsets(listing.groupId()).partitionsToOffsetAndMetadata().get();
                if (!offsets.isEmpty() && offsets.keySet().stream().allMatch(partition -> partition.topic().startsWith(topic))) {
                    groups.add(listing.groupId());
                }
            }
        }
        return groups;
    }

    @Override
    public void stop() {
        if (companion != null) {
            List<String> groups = new ArrayList<>(List.of(group));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", LocalServers.KAFKA))) {
                groups.addAll(companionGroups(admin));
            } catch (Exception e) {
                System.out.printf("[cleanup] the companion's groups not listed: %s%n", e);
            }
            TestTopics.delete(LocalServers.KAFKA, topic, groups);
            companion.close();
        }
    }
}
