package com.salesstream.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.salesstream.servers.LocalServers;

/**
 * A consumer that joins a group and does nothing, to force a rebalance of the members already there, and leaves
 * (a second rebalance) when closed. It reads nothing of value: it commits nothing and the service's members get
 * every partition back.
 */
public final class GroupMember implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean closed;

    private GroupMember(String topic, String group) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalServers.KAFKA,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        thread = new Thread(() -> {
            while (!closed) {
                consumer.pause(consumer.assignment()); // in the group, reading nothing
                consumer.poll(Duration.ofMillis(200));
            }
            consumer.close();
        }, "group-member-" + group);
    }

    public static GroupMember join(String topic, String group) {
        GroupMember member = new GroupMember(topic, group);
        member.thread.start();
        return member;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(Duration.ofSeconds(30).toMillis());
    }
}
