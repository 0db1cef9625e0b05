package com.salesstream.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The pipeline as a business user reads it: {@code live}, {@code delayed} (orders wait and no window was saved for
 * two window periods; by how many seconds), or {@code stopped} (a health check is down), with the reason.
 */
@RegisterForReflection
public record PipelineStatus(String state, @JsonProperty("delay_seconds") Long delaySeconds, String reason) {

    /** One health check as last run; {@code reason} is what it reported, when it reported anything. */
    record Check(String name, boolean up, String reason) {
        String why() {
            return reason != null ? reason : name + " is down";
        }
    }

    static PipelineStatus of(List<Check> checks, double lag, Instant lastSaved, Instant now, Duration window) {
        List<String> down = checks.stream().filter(check -> !check.up()).map(Check::why).toList();
        if (!down.isEmpty()) {
            return new PipelineStatus("stopped", null, String.join("; ", down));
        }
        Duration sinceSaved = lastSaved == null ? null : Duration.between(lastSaved, now);
        if (lag > 0 && (sinceSaved == null || sinceSaved.compareTo(window.multipliedBy(2)) > 0)) {
            return new PipelineStatus("delayed", sinceSaved == null ? null : sinceSaved.toSeconds(),
                    String.format("%,d orders waiting", (long) lag));
        }
        return new PipelineStatus("live", null, null);
    }
}
