package com.salesstream.support;

import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/** What the fault tests share: the packaged service's settings for one topic and group, and waits on the day's sums. */
public final class FaultRun {

    public static final Duration PROGRESS_WITHIN = Duration.ofSeconds(90);
    public static final Duration SETTLED_WITHIN = Duration.ofMinutes(3);

    private FaultRun() {
    }

    /** Pipeline only, 1 s windows, retries at most 1 s apart, and a killed instance's partitions moved after 6 s. */
    public static Map<String, String> serviceConfig(String topic, String group) {
        Map<String, String> config = new HashMap<>();
        config.put("sales.topic", topic);
        config.put("sales.pipeline.group-id", group);
        config.put("sales.generator.enabled", "false");
        config.put("sales.pipeline.window", "1s");
        config.put("sales.pipeline.max-retry-backoff", "1s");
        config.put("mp.messaging.incoming.orders-in.session.timeout.ms", "6000");
        config.put("mp.messaging.incoming.orders-in.heartbeat.interval.ms", "1000");
        return config;
    }

    /** Waits until more of the day's quantity is in MySQL than now: the pipeline is moving. */
    public static void awaitProgress(LocalStores stores, LocalDate day) throws SQLException {
        long before = total(stores, day);
        await().atMost(PROGRESS_WITHIN).until(() -> total(stores, day) > before);
    }

    /**
     * Holds the test until {@code outage} has passed since {@code struckAt} (System.nanoTime()), however long the
     * fault took to detect: the outage is the fault under test.
     */
    public static void lastsUntil(long struckAt, Duration outage) throws InterruptedException {
        Thread.sleep(Math.max(0, outage.toMillis() - (System.nanoTime() - struckAt) / 1_000_000));
    }

    /** The day's quantity summed over every aggregate row. */
    public static long total(LocalStores stores, LocalDate day) throws SQLException {
        return stores.aggregates(day).values().stream().mapToLong(Long::longValue).sum();
    }
}
