package com.salesstream.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the services' consumed-orders counters every 200 ms and keeps the longest stretch in which none moved:
 * while orders are being produced, that is how long the pipeline paused. A restarted service counts from zero again,
 * so each service is compared with its own last sample.
 */
public final class PauseWatch implements AutoCloseable {

    private static final Duration EVERY = Duration.ofMillis(200);

    private final List<ServiceProcess> services;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Map<ServiceProcess, Double> last = new HashMap<>();
    private long lastMoved = System.nanoTime();
    private long longest;

    private PauseWatch(List<ServiceProcess> services) {
        this.services = services;
    }

    public static PauseWatch of(List<ServiceProcess> services) {
        PauseWatch watch = new PauseWatch(services);
        watch.timer.scheduleAtFixedRate(watch::sample, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    private synchronized void sample() {
        boolean moved = false;
        for (ServiceProcess service : services) {
            try {
                double consumed = service.metric("sales_orders_consumed_total");
                Double before = last.put(service, consumed);
                moved |= before != null && consumed != before;
            } catch (Exception e) {
                last.remove(service); // down or restarting: not moving
            }
        }
        long now = System.nanoTime();
        if (moved) {
            longest = Math.max(longest, now - lastMoved);
            lastMoved = now;
        }
    }

    /** The longest pause seen so far. */
    public synchronized Duration longest() {
        return Duration.ofNanos(longest);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
