package com.salesstream.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesstream.TestConfig;
import com.salesstream.pipeline.WindowSaved;

import io.smallrye.mutiny.Uni;

/** How often today's figures read the rollups: after a save, never twice within a window period. */
class TodayFiguresTest {

    private static final Duration WINDOW = Duration.ofMillis(500);
    /** Reads are timed where they start, a little after the wait is measured from. */
    private static final long PERIOD_LESS_SLACK = WINDOW.minusMillis(20).toNanos();

    /** System.nanoTime() of each read of the rollups. */
    private final List<Long> reads = new CopyOnWriteArrayList<>();
    private final TodayFigures figures = new TodayFigures(new SalesQueries(null) {
        @Override
        Uni<TodaySales> today(LocalDate day, LocalDateTime asOf) {
            reads.add(System.nanoTime());
            return Uni.createFrom().item(new TodaySales(day, BigDecimal.ZERO, BigDecimal.ZERO, 0, List.of(), List.of(),
                    List.of(), List.of(), asOf));
        }
    }, new ObjectMapper().findAndRegisterModules(), TestConfig.with(Map.of("sales.pipeline.window", WINDOW.toMillis() + "ms")));

    @AfterEach
    void stop() {
        figures.stop();
    }

    @Test
    void aCatchUpsSavesReadTheRollupsOncePerWindowPeriodAndTheLastSaveIsRead() {
        figures.start(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> reads.size() == 1);

        long burst = System.nanoTime();
        for (int save = 0; save < 50; save++) {
            figures.saved(new WindowSaved(LocalDateTime.now()));
        }
        long burstEnd = System.nanoTime();

        // The first save is read at once, the other 49 together a period after it.
        await().atMost(Duration.ofSeconds(5)).until(() -> reads.size() >= 3);
        assertThat(reads.get(1)).isGreaterThanOrEqualTo(burst);
        assertThat(reads.get(2) - reads.get(1)).isGreaterThanOrEqualTo(PERIOD_LESS_SLACK);
        assertThat(reads.get(2)).as("the burst's last save is in a read").isGreaterThan(burstEnd);
        List<Long> later = List.copyOf(reads);
        for (int read = 2; read < later.size(); read++) {
            assertThat(later.get(read) - later.get(read - 1)).as("between reads %d and %d", read - 1, read)
                    .isGreaterThanOrEqualTo(PERIOD_LESS_SLACK);
        }
    }
}
