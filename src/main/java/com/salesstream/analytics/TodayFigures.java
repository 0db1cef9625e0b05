package com.salesstream.analytics;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import org.jboss.logging.Logger;

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
 * Today's figures, computed once per saved window (and once per window period, for what other instances saved)
 * and served from memory: any number of API and dashboard clients cost no query of MySQL. Each new figure is pushed
 * to the live subscribers ({@link #updates()}).
 */
@ApplicationScoped
public class TodayFigures {

    private static final Logger LOG = Logger.getLogger(TodayFigures.class);

    private final SalesQueries queries;
    private final SalesConfig config;
    // Serialized: requests come from the startup, the ticks and the saved-window events, on different threads.
    private final SerializedProcessor<LocalDateTime, LocalDateTime> requests = UnicastProcessor.<LocalDateTime> create().serialized();
    private final BroadcastProcessor<TodaySales> published = BroadcastProcessor.create();
    private volatile TodaySales current;
    private volatile LocalDateTime lastSaved;
    private Cancellable computing;
    private Cancellable ticks;

    TodayFigures(SalesQueries queries, SalesConfig config) {
        this.queries = queries;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        // One computation at a time; of the requests that came meanwhile only the latest is kept.
        computing = Multi.createFrom().publisher(requests).onOverflow().dropPreviousItems()
                .onItem().transformToUniAndConcatenate(asOf -> compute(asOf)
                        .onFailure().invoke(e -> LOG.warnf("Computing today's figures failed: %s", e.toString()))
                        .onFailure().recoverWithNull())
                .subscribe().with(figures -> {
                });
        ticks = Multi.createFrom().ticks().every(config.pipeline().window()).onOverflow().drop()
                .subscribe().with(tick -> requests.onNext(lastSaved == null ? LocalDateTime.MIN : lastSaved));
        requests.onNext(LocalDateTime.MIN);
    }

    void saved(@ObservesAsync WindowSaved saved) {
        lastSaved = saved.at();
        requests.onNext(saved.at());
    }

    /** The figures as last computed (computed now if none were yet). */
    public Uni<TodaySales> current() {
        TodaySales figures = current;
        return figures != null ? Uni.createFrom().item(figures) : compute(lastSaved == null ? LocalDateTime.MIN : lastSaved);
    }

    /** The current figures, then each new one; a slow subscriber gets the latest and skips the rest. */
    public Multi<TodaySales> updates() {
        return Multi.createBy().concatenating()
                .streams(current().toMulti(), published.onOverflow().dropPreviousItems());
    }

    private Uni<TodaySales> compute(LocalDateTime asOf) {
        return queries.today(LocalDate.now(ZoneOffset.UTC), LocalDateTime.MIN.equals(asOf) ? null : asOf)
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
