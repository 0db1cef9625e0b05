package com.salesstream.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.salesstream.analytics.PipelineStatus.Check;

class PipelineStatusTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final List<Check> ALL_UP = List.of(new Check("Kafka", true, null), new Check("MySQL", true, null));

    @Test
    void liveWhileWindowsAreSavedOrNothingWaits() {
        assertThat(PipelineStatus.of(ALL_UP, 500, NOW.minusSeconds(70), NOW, WINDOW).state()).isEqualTo("live");
        assertThat(PipelineStatus.of(ALL_UP, 0, null, NOW, WINDOW).state()).as("idle").isEqualTo("live");
    }

    @Test
    void delayedWhenOrdersWaitAndNoWindowWasSavedForTwoPeriods() {
        assertThat(PipelineStatus.of(ALL_UP, 1_234, NOW.minusSeconds(125), NOW, WINDOW))
                .isEqualTo(new PipelineStatus("delayed", 125L, "1,234 orders waiting"));
        assertThat(PipelineStatus.of(ALL_UP, 10, null, NOW, WINDOW))
                .isEqualTo(new PipelineStatus("delayed", null, "10 orders waiting"));
    }

    @Test
    void stoppedWithWhatTheDownChecksSay() {
        List<Check> checks = List.of(new Check("Kafka", true, null), new Check("MySQL", false, null),
                new Check("pipeline", false, "no window saved for 90 s"));

        assertThat(PipelineStatus.of(checks, 0, NOW, NOW, WINDOW))
                .isEqualTo(new PipelineStatus("stopped", null, "MySQL is down; no window saved for 90 s"));
    }
}
