package com.salesstream.analytics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import com.salesstream.SalesConfig;
import com.salesstream.pipeline.WindowSaved;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.operators.multi.processors.SerializedProcessor;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Today's figures, computed once per saved window (and, for what other instances saved, once in any window period
 * without a save here) and served from memory: any number of API and dashboard clients cost no query of MySQL. Each
 * new figure is pushed to the live subscribers ({@link #updates()}).
 */
@ApplicationScoped
public class TodayFigures {

    private static final Logger LOG = Logger.getLogger(TodayFigures.class);

    private final SalesQueries queries;
    private final SalesConfig config;
    // Serialized: requests come from the startup, the ticks and the saved-window events, on different threads.
    private final SerializedProcessor<Long, Long> requests = UnicastProcessor.<Long> create().serialized();
    private final BroadcastProcessor<String> published = BroadcastProcessor.create();
    private final ObjectWriter json;
    /** The figures as JSON, serialized once per computation: requests and pushes only copy these bytes. */
    private volatile String current;
    private volatile LocalDateTime lastSaved;
    /** System.nanoTime() of the last computation's start. */
    private volatile long lastComputed;
    private final AtomicInteger streamClients = new AtomicInteger();
    private Cancellable computing;
    private Cancellable ticks;

    TodayFigures(SalesQueries queries, ObjectMapper mapper, SalesConfig config) {
        this.queries = queries;
        this.json = mapper.writerFor(TodaySales.class);
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        // One computation at a time; of the requests that came meanwhile only the latest is kept.
        computing = Multi.createFrom().publisher(requests).onOverflow().dropPreviousItems()
                .onItem().transformToUniAndConcatenate(request -> compute()
                        .onFailure().invoke(e -> LOG.warnf("Computing today's figures failed: %s", e.toString()))
                        .onFailure().recoverWithNull())
                .subscribe().with(figures -> {
                });
        // What other instances saved: a period in which this one computed after a save of its own needs no more.
        Duration period = config.pipeline().window();
        ticks = Multi.createFrom().ticks().every(period).onOverflow().drop()
                .filter(tick -> System.nanoTime() - lastComputed >= period.toNanos())
                .subscribe().with(requests::onNext);
        requests.onNext(System.nanoTime());
    }

    void saved(@ObservesAsync WindowSaved saved) {
        lastSaved = saved.at();
        requests.onNext(System.nanoTime());
    }

    /** When this instance last saved a window; null before its first. */
    public Instant lastSaved() {
        LocalDateTime saved = lastSaved;
        return saved == null ? null : saved.toInstant(ZoneOffset.UTC);
    }

    /** The figures as last computed, as JSON (computed now if none were yet). */
    public Uni<String> current() {
        String figures = current;
        return figures != null ? Uni.createFrom().item(figures) : compute();
    }

    /**
     * The current figures, then each new one, as JSON; a slow subscriber gets the latest and skips the rest. Beyond
     * {@code sales.api.max-stream-clients} subscribers, it fails at once with {@link Overloaded}.
     */
    public Multi<String> updates() {
        if (streamClients.get() >= config.api().maxStreamClients()) {
            throw new Overloaded("the live figures already have " + config.api().maxStreamClients()
                    + " subscribers (sales.api.max-stream-clients)");
        }
        return Multi.createBy().concatenating()
                .streams(current().toMulti(), published.onOverflow().dropPreviousItems())
                .onSubscription().invoke(streamClients::incrementAndGet)
                .onTermination().invoke(streamClients::decrementAndGet);
    }

    private Uni<String> compute() {
        lastComputed = System.nanoTime();
        return queries.today(LocalDate.now(ZoneOffset.UTC), lastSaved)
                .map(figures -> {
                    try {
                        return json.writeValueAsString(figures);
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("Cannot serialize today's figures", e);
                    }
                })
                .invoke(figures -> {
                    current = figures;
                    published.onNext(figures);
                });
    }

    @PreDestroy
    void stop() {
        if (ticks != null) {
            ticks.cancel();
        }
        if (computing != null) {
            computing.cancel();
        }
    }
}
