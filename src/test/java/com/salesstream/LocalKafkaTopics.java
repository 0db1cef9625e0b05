package com.salesstream;

import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.quarkus.test.kafka.InjectKafkaCompanion;

/**
 * Gives each test run its own orders topic and consumer group on the local Kafka broker (no containers here), and a
 * Kafka Companion for it; the topics are deleted afterwards.
 */
public class LocalKafkaTopics implements QuarkusTestResourceLifecycleManager {

    static final int PARTITIONS = 4;

    private KafkaCompanion companion;
    private String topic;

    @Override
    public Map<String, String> start() {
        String bootstrapServers = System.getProperty("kafka.bootstrap.servers", "127.0.0.1:9092");
        String run = UUID.randomUUID().toString().substring(0, 8);
        topic = "sales_orders_test_" + run;
        companion = new KafkaCompanion(bootstrapServers);
        companion.topics().createAndWait(topic, PARTITIONS);
        return Map.of("kafka.bootstrap.servers", bootstrapServers,
                "sales.topic", topic,
                "sales.pipeline.group-id", "sales-test-" + run);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(companion,
                new TestInjector.AnnotatedAndMatchesType(InjectKafkaCompanion.class, KafkaCompanion.class));
    }

    @Override
    public void stop() {
        if (companion != null) {
            companion.topics().delete(companion.topics().list().stream().filter(name -> name.startsWith(topic)).toList());
            companion.close();
        }
    }
}
