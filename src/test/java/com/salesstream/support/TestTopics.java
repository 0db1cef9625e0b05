package com.salesstream.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.GroupNotEmptyException;

import com.salesstream.servers.LocalServers;

/**
 * Deletes what a test made on a broker: its topics and consumer groups. A group a member still holds (a killed
 * instance's, until its session times out) is tried again while the test JVM runs and when it exits, for at most
 * {@link #AT_EXIT}; on the local cluster, stopped by then, it is left to Kafka's offsets retention.
 */
public final class TestTopics {

    private static final Duration AT_EXIT = Duration.ofSeconds(20);
    /** Groups on the single local broker that a member still held. */
    private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestTopics::deleteHeldAtExit, "delete-test-groups"));
    }

    private TestTopics() {
    }

    public static void delete(String bootstrapServers, String topic, List<String> groups) {
        try (Admin admin = admin(bootstrapServers)) {
            admin.deleteTopics(List.of(topic, topic + ".dlq")).all().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.printf("[cleanup] topic %s: %s%n", topic, e);
        }
        List<String> held = deleteEmpty(bootstrapServers, groups);
        if (bootstrapServers.equals(LocalServers.KAFKA)) {
            HELD.addAll(held);
        } else if (!held.isEmpty()) {
            System.out.printf("[cleanup] consumer groups left to Kafka's retention on %s: %s%n", bootstrapServers, held);
        }
    }

    /** Deletes the groups of the single local broker that no member holds any more; returns how many are still held. */
    public static synchronized int deleteHeld() {
        HELD.retainAll(deleteEmpty(LocalServers.KAFKA, List.copyOf(HELD)));
        return HELD.size();
    }

    /** Deletes the groups; returns those a member still holds. */
    private static List<String> deleteEmpty(String bootstrapServers, Collection<String> groups) {
        List<String> held = new ArrayList<>();
        if (groups.isEmpty()) {
            return held;
        }
        try (Admin admin = admin(bootstrapServers)) {
            for (var deletion : admin.deleteConsumerGroups(groups).deletedGroups().entrySet()) {
                try {
                    deletion.getValue().get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof GroupNotEmptyException) {
                        held.add(deletion.getKey());
                    } // else gone already, or never made
                }
            }
        } catch (Exception e) {
            System.out.printf("[cleanup] consumer groups %s on %s: %s%n", groups, bootstrapServers, e);
        }
        return held;
    }

    private static void deleteHeldAtExit() {
        long deadline = System.nanoTime() + AT_EXIT.toNanos();
        try {
            while (deleteHeld() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!HELD.isEmpty()) {
            System.out.printf("[cleanup] consumer groups left to Kafka's retention: %s%n", HELD);
        }
    }

    /** Short timeouts: a cleanup must not hold a test run for the admin client's default minute. */
    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of("bootstrap.servers", bootstrapServers, "default.api.timeout.ms", 10_000,
                "request.timeout.ms", 5_000));
    }
}
