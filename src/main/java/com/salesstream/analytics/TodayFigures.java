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
 * Today's figures, computed after a saved window, at most once per window period (a catch-up's saves come faster: the
 * latest is computed a period after the one before), and, for what other instances saved, once in any window period
 * without a computation here. Served from memory: any number of API and dashboard clients cost no query of MySQL.
 * Each new figure is pushed to the live subscribers ({@link #updates()}).
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
    /** System.nanoTime() of the last computation's start, and of the last one after a save. */
    private volatile long lastComputed;
    private volatile long lastComputedAfterSave;
    /** A save of this instance is not yet in the figures. */
    private volatile boolean savePending;
    private final AtomicInteger streamClients = new AtomicInteger();
    private Cancellable computing;
    private Cancellable ticks;

    TodayFigures(SalesQueries queries, ObjectMapper mapper, SalesConfig config) {
        this.queries = queries;
        this.json = mapper.writerFor(TodaySales.class);
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        long period = config.pipeline().window().toNanos();
        lastComputedAfterSave = System.nanoTime() - period;
        // One computation at a time; of the requests that came meanwhile only the latest is kept: each decides then.
        computing = Multi.createFrom().publisher(requests).onOverflow().dropPreviousItems()
                .onItem().transformToUniAndConcatenate(request -> next(period))
                .subscribe().with(figures -> {
                });
        ticks = Multi.createFrom().ticks().every(Duration.ofNanos(period)).onOverflow().drop()
                .subscribe().with(requests::onNext);
        requests.onNext(System.nanoTime());
    }

    void saved(@ObservesAsync WindowSaved saved) {
        lastSaved = saved.at();
        savePending = true;
        requests.onNext(System.nanoTime());
    }

    /**
     * After a save, the figures a period after the computation of the save before (a catch-up's saves come faster);
     * otherwise (a tick, for what other instances saved) only when nothing was computed for a period.
     */
    private Uni<String> next(long period) {
        long now = System.nanoTime();
        if (savePending) {
            long wait = lastComputedAfterSave + period - now;
            Uni<Void> waited = wait <= 0 ? Uni.createFrom().voidItem()
                    : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofNanos(wait));
            return waited.chain(() -> {
                savePending = false;
                lastComputedAfterSave = System.nanoTime();
                return computeOrLog();
            });
        }
        return current == null || now - lastComputed >= period ? computeOrLog() : Uni.createFrom().nullItem();
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

    private Uni<String> computeOrLog() {
        return compute().onFailure().invoke(e -> LOG.warnf("Computing today's figures failed: %s", e.toString()))
                .onFailure().recoverWithNull();
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
