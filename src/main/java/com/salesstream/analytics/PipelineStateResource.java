package com.salesstream.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;

/**
 * The pipeline's live state from the service's own meters, and its health checks as last run: the checks query every
 * store, so they run at most once per {@link #CHECKS_REFRESH} whatever the number of callers.
 */
@Path("/api/pipeline")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineStateResource {

    static final Duration CHECKS_REFRESH = Duration.ofSeconds(5);

    private final MeterRegistry registry;
    private final Uni<Map<String, String>> checks;

    PipelineStateResource(MeterRegistry registry, SmallRyeHealthReporter health) {
        this.registry = registry;
        this.checks = Uni.createFrom().deferred(health::getHealthAsync).map(report -> {
            Map<String, String> statuses = new TreeMap<>();
            report.getPayload().getJsonArray("checks").getValuesAs(JsonObject.class)
                    .forEach(check -> statuses.put(check.getString("name"), check.getString("status")));
            return statuses;
        }).memoize().atLeast(CHECKS_REFRESH);
    }

    @GET
    @Operation(summary = "Orders consumed and produced, dead letters, consumer lag, and every health check")
    public Uni<PipelineState> state() {
        return checks.map(statuses -> new PipelineState(Instant.now(), count("sales.orders.consumed"),
                count("sales.orders.produced"), count("sales.orders.dead.lettered"),
                gauge("kafka.consumer.fetch.manager.records.lag.max"), statuses));
    }

    private double count(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private double gauge(String name) {
        return registry.find(name).gauges().stream().mapToDouble(Gauge::value).filter(value -> !Double.isNaN(value))
                .max().orElse(0);
    }
}
