package com.salesstream.pipeline;

import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import com.salesstream.OrderTopics;
import com.salesstream.SalesConfig;

/**
 * The pipeline's own health, beside the checks of each server: readiness is DOWN while dead letters cannot be
 * sent, a partition of the orders topic has had no answering leader for stall-timeout, or nothing has moved for
 * stall-timeout; liveness is DOWN when the windows stopped for good or nothing has moved for stuck-timeout. Each
 * change is logged with its reason.
 */
@ApplicationScoped
class PipelineHealth {

    private static final Logger LOG = Logger.getLogger(PipelineHealth.class);

    private final PipelineProgress progress;
    private final DeadLetters deadLetters;
    private final OrderTopics topics;
    private final SalesConfig.Pipeline config;
    private final AtomicReference<String> lastReadiness = new AtomicReference<>();
    private final AtomicReference<String> lastLiveness = new AtomicReference<>();

    PipelineHealth(PipelineProgress progress, DeadLetters deadLetters, OrderTopics topics, SalesConfig config) {
        this.progress = progress;
        this.deadLetters = deadLetters;
        this.topics = topics;
        this.config = config.pipeline();
    }

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> report("pipeline-ready", lastReadiness, notReady());
    }

    @Produces
    @Liveness
    HealthCheck live() {
        return () -> report("pipeline-live", lastLiveness, notLive());
    }

    private String notReady() {
        if (!config.enabled()) {
            return null;
        }
        if (!topics.isReady()) {
            return "the orders topic or its dead-letter topic does not exist yet";
        }
        if (deadLetters.permanentFailure() != null) {
            return "dead letters are refused: " + deadLetters.permanentFailure();
        }
        String leaderless = topics.leaderlessFor(config.stallTimeout());
        if (leaderless != null) {
            return "stalled: a partition of the orders topic has had no Kafka leader that answers for " + leaderless;
        }
        String stalled = progress.stalledFor(config.stallTimeout());
        return stalled == null ? null : "stalled: " + stalled;
    }

    private String notLive() {
        if (!config.enabled()) {
            return null;
        }
        if (progress.windowsFailure() != null) {
            return "the aggregation windows stopped: " + progress.windowsFailure();
        }
        String stuck = progress.stalledFor(config.stuckTimeout());
        return stuck == null ? null : "stuck: " + stuck;
    }

    private static HealthCheckResponse report(String name, AtomicReference<String> last, String problem) {
        String previous = last.getAndSet(problem);
        if (problem != null && previous == null) {
            LOG.warnf("%s DOWN: %s", name, problem);
        } else if (problem == null && previous != null) {
            LOG.infof("%s UP again", name);
        }
        return problem == null ? HealthCheckResponse.up(name)
                : HealthCheckResponse.named(name).down().withData("reason", problem).build();
    }
}
