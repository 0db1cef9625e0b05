package com.salesstream.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.salesstream.SalesConfig;
import com.salesstream.analytics.PipelineStatus.Check;

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
    private final TodayFigures today;
    private final Duration window;
    private final Uni<List<Check>> checks;

    PipelineStateResource(MeterRegistry registry, SmallRyeHealthReporter health, TodayFigures today, SalesConfig config) {
        this.registry = registry;
        this.today = today;
        this.window = config.pipeline().window();
        this.checks = Uni.createFrom().deferred(health::getHealthAsync)
                .map(report -> report.getPayload().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                        .map(check -> new Check(check.getString("name"), "UP".equals(check.getString("status")),
                                reason(check)))
                        .toList())
                .memoize().atLeast(CHECKS_REFRESH);
    }

    @GET
    @Operation(summary = "The pipeline in one line (live, delayed, stopped, and why), orders consumed and produced, "
            + "dead letters, consumer lag, and every health check")
    public Uni<PipelineState> state() {
        return checks.map(list -> {
            Instant now = Instant.now();
            double lag = gauge("kafka.consumer.fetch.manager.records.lag.max");
            Map<String, String> statuses = new TreeMap<>();
            list.forEach(check -> statuses.put(check.name(), check.up() ? "UP" : "DOWN"));
            return new PipelineState(now, PipelineStatus.of(list, lag, today.lastSaved(), now, window),
                    count("sales.orders.consumed"), count("sales.orders.produced"), count("sales.orders.dead.lettered"),
                    lag, statuses);
        });
    }

    /** What a down check of ours reported (its "reason" data); null for the others. */
    private static String reason(JsonObject check) {
        JsonObject data = check.getJsonObject("data");
        return data != null && data.containsKey("reason") ? data.getString("reason") : null;
    }

    private double count(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private double gauge(String name) {
        return registry.find(name).gauges().stream().mapToDouble(Gauge::value).filter(value -> !Double.isNaN(value))
                .max().orElse(0);
    }
}
