package com.salesstream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.common.errors.GroupNotEmptyException;
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
    /** How long the test JVM's exit waits for the sessions of killed instances to end, to delete their groups. */
    private static final Duration GROUPS_AT_EXIT = Duration.ofSeconds(20);
    private static final Set<String> LEFT_GROUPS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LocalKafkaTopics::deleteLeftGroups, "delete-test-groups"));
    }

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
     * The test's topics and consumer groups gone from the broker. A group a member still holds (a killed instance's,
     * until its session times out) is deleted when the test JVM exits, after at most {@link #GROUPS_AT_EXIT}.
     */
    public static void deleteTopicsAndGroups(Admin admin, String topic, List<String> groups) throws InterruptedException {
        admin.deleteTopics(List.of(topic, topic + ".dlq"));
        LEFT_GROUPS.addAll(groups);
        deleteEmptyGroups(admin);
    }

    /** Deletes the groups left that no member holds any more; keeps the others. */
    static synchronized void deleteEmptyGroups(Admin admin) throws InterruptedException {
        if (LEFT_GROUPS.isEmpty()) {
            return;
        }
        for (var deletion : admin.deleteConsumerGroups(List.copyOf(LEFT_GROUPS)).deletedGroups().entrySet()) {
            try {
                deletion.getValue().get();
                LEFT_GROUPS.remove(deletion.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupNotEmptyException)) {
                    LEFT_GROUPS.remove(deletion.getKey()); // gone already, or never made
                }
            }
        }
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

    private static void deleteLeftGroups() {
        if (LEFT_GROUPS.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + GROUPS_AT_EXIT.toNanos();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", LocalServers.KAFKA))) {
            while (true) {
                deleteEmptyGroups(admin);
                if (LEFT_GROUPS.isEmpty() || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(1_000);
            }
        } catch (Exception e) {
            // The JVM is exiting: what is left goes with Kafka's offsets retention.
        }
        if (!LEFT_GROUPS.isEmpty()) {
            System.out.printf("[cleanup] consumer groups left to Kafka's retention: %s%n", LEFT_GROUPS);
        }
    }

    @Override
    public void stop() {
        if (companion != null) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", LocalServers.KAFKA))) {
                List<String> groups = new ArrayList<>(companionGroups(admin));
                groups.add(group);
                deleteTopicsAndGroups(admin, topic, groups);
            } catch (Exception e) {
                System.out.printf("[cleanup] topic %s and its groups not deleted: %s%n", topic, e);
            }
            companion.close();
        }
    }
}
