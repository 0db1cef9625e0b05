package com.salesstream.analytics;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The pipeline's state in one line ({@link PipelineStatus}), its counters at one moment and each health check's
 * status, for the dashboard's live state.
 */
@RegisterForReflection
public record PipelineState(
        Instant at,
        PipelineStatus status,
        @JsonProperty("orders_consumed") double ordersConsumed,
        @JsonProperty("orders_produced") double ordersProduced,
        @JsonProperty("dead_letters") double deadLetters,
        @JsonProperty("consumer_lag") double consumerLag,
        Map<String, String> health) {
}
