package com.salesstream;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The service's own meters, exported at /q/metrics; Kafka consumer lag comes from the Kafka client metrics. */
@ApplicationScoped
public class PipelineMetrics {

    /** Where orders go: the sinks of the retry and written counters. */
    public enum Sink {
        CASSANDRA, MYSQL, DEAD_LETTERS;

        String tag() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    private final MeterRegistry registry;
    private final Counter produced;
    private final Counter consumed;
    private final Timer windowSave;

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.produced = registry.counter("sales.orders.produced");
        this.consumed = registry.counter("sales.orders.consumed");
        this.windowSave = Timer.builder("sales.window.save").description("Time to save a closed window to MySQL")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    public void produced() {
        produced.increment();
    }

    public void consumed(int records) {
        consumed.increment(records);
    }

    /** Orders a sink accepted: raw rows for Cassandra, orders counted in saved aggregates for MySQL. */
    public void written(Sink sink, long orders) {
        registry.counter("sales.orders.written", "sink", sink.tag()).increment(orders);
    }

    public void deadLettered(String reason) {
        registry.counter("sales.orders.dead.lettered", "reason", reason).increment();
    }

    /** A stored offset outside its partition's log was replaced by auto.offset.reset. */
    public void offsetOutOfRange() {
        registry.counter("sales.offsets.out.of.range").increment();
    }

    public void retried(Sink sink) {
        registry.counter("sales.store.retries", "sink", sink.tag()).increment();
    }

    public Timer windowSave() {
        return windowSave;
    }
}
