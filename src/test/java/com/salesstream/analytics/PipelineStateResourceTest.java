package com.salesstream.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesstream.TestConfig;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;

class PipelineStateResourceTest {

    /** Counts the runs of the checks, each of which would query every store. */
    private static final class CountingReporter extends SmallRyeHealthReporter {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public Uni<SmallRyeHealth> getHealthAsync() {
            runs.incrementAndGet();
            return Uni.createFrom().item(new SmallRyeHealth(Json.createObjectBuilder().add("status", "UP")
                    .add("checks", Json.createArrayBuilder().add(Json.createObjectBuilder()
                            .add("name", "MySQL").add("status", "UP"))).build()));
        }
    }

    @Test
    void manyCallersWithinTheRefreshRunTheChecksOnce() {
        CountingReporter health = new CountingReporter();
        PipelineStateResource resource = new PipelineStateResource(new SimpleMeterRegistry(), health,
                new TodayFigures(null, new ObjectMapper(), TestConfig.defaults()), TestConfig.defaults());

        for (int call = 0; call < 100; call++) {
            PipelineState state = resource.state().await().atMost(Duration.ofSeconds(5));
            assertThat(state.health()).containsEntry("MySQL", "UP");
            assertThat(state.status().state()).isEqualTo("live");
        }

        assertThat(health.runs).hasValue(1);
    }
}
