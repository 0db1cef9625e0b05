package com.salesstream.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;

/**
 * The pipeline's part of a graceful stop, in its order: the batch in flight is stored, then the open window is
 * saved. It runs when Quarkus begins to shut down (quarkus.shutdown.delay-enabled), before any extension closes
 * its clients: on the later ShutdownEvent the Cassandra session is already closed and the batch in flight could
 * never finish.
 */
@ApplicationScoped
class PipelineShutdown {

    private final OrderConsumer consumer;
    private final SalesWindows windows;

    PipelineShutdown(OrderConsumer consumer, SalesWindows windows) {
        this.consumer = consumer;
        this.windows = windows;
    }

    void stop(@Observes ShutdownDelayInitiatedEvent event) {
        consumer.drain();
        windows.stop();
    }
}
