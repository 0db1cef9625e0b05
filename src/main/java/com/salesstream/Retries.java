package com.salesstream;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.salesstream.PipelineMetrics.Sink;

import io.smallrye.mutiny.Uni;

/**
 * The one retry recipe of every store call: each failure is counted, the first of a run is logged at WARN (an
 * outage is expected, not an error), the pause doubles from min-retry-backoff up to max-retry-backoff, and the
 * recovery is logged. Retries go on while the server is away: readiness reports it, and the stall check of
 * {@code PipelineProgress} turns liveness DOWN if nothing moves for too long.
 */
@ApplicationScoped
public class Retries {

    private static final Logger LOG = Logger.getLogger(Retries.class);

    private final PipelineMetrics metrics;
    private final SalesConfig.Pipeline config;

    public Retries(PipelineMetrics metrics, SalesConfig config) {
        this.metrics = metrics;
        this.config = config.pipeline();
    }

    /** {@code operation} (subscribed to again for each attempt) until it succeeds. */
    public <T> Uni<T> untilDone(Sink sink, String what, Uni<T> operation) {
        return retrying(sink, what, operation, new AtomicInteger());
    }

    /** As {@link #untilDone}, each attempt given up after {@code mysql-timeout}: for MySQL, whose pool never times out. */
    public <T> Uni<T> untilDoneInMysqlTime(String what, Uni<T> operation) {
        return untilDone(Sink.MYSQL, what, operation.ifNoItem().after(config.mysqlTimeout())
                .failWith(() -> new TimeoutException(what + " took more than " + config.mysqlTimeout())));
    }

    /** As {@link #untilDone}, for a caller whose first attempt already failed with {@code first}. */
    public <T> Uni<T> afterFailure(Sink sink, String what, Throwable first, Uni<T> operation) {
        AtomicInteger failures = new AtomicInteger();
        failed(sink, what, failures.incrementAndGet(), first);
        return Uni.createFrom().voidItem().onItem().delayIt().by(config.minRetryBackoff())
                .chain(() -> retrying(sink, what, operation, failures));
    }

    private <T> Uni<T> retrying(Sink sink, String what, Uni<T> operation, AtomicInteger failures) {
        return operation
                .onFailure().invoke(failure -> failed(sink, what, failures.incrementAndGet(), failure))
                .onFailure().retry().withBackOff(config.minRetryBackoff(), config.maxRetryBackoff()).indefinitely()
                .invoke(() -> {
                    if (failures.get() > 0) {
                        LOG.infof("%s succeeded after %d failed attempts", what, failures.get());
                    }
                });
    }

    private void failed(Sink sink, String what, int failures, Throwable failure) {
        metrics.retried(sink);
        if (failures == 1) {
            LOG.warnf("%s failed, retrying with backoff: %s", what, failure.toString());
        } else {
            LOG.debugf("%s failed again (%d): %s", what, failures, failure.toString());
        }
    }
}
