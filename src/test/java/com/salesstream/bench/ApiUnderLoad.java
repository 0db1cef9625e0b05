package com.salesstream.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.salesstream.servers.LocalServers;
import com.salesstream.support.ServiceProcess;

/**
 * The API beside a running pipeline ({@code bin/api-benchmark}, second part): the service's generator at 1,000
 * orders/s into a topic of 12 partitions, windows of {@link #WINDOW} (many saves per phase). It prints the window-save
 * time with the API idle and with {@link #LOOPS} concurrent year-long {@code /daily} loops and {@link #SSE_CLIENTS}
 * stream clients (alternated: idle, loops that wait a 503's Retry-After, idle, loops that ask again at once),
 * readiness throughout, and the rows MySQL examines per saved window per
 * instance (performance schema, the pipeline's own MySQL user) with 1 and with 12 instances.
 */
final class ApiUnderLoad {

    static final String API_USER = "sales_api";
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final Duration PHASE = Duration.ofSeconds(60);
    private static final int LOOPS = 50;
    private static final int SSE_CLIENTS = 200;
    private static final int INSTANCES = 12;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final HttpClient HTTP = ApiBenchmark.HTTP;

    private final Map<String, String> config;
    private final String database;
    private final String dailyPath;

    /** {@code config}: the service's settings for the scratch database; the pipeline's come on top. */
    ApiUnderLoad(Map<String, String> config, String database) {
        this.config = new HashMap<>(config);
        this.database = database;
        this.config.putAll(Map.of("sales.topic", "sales_orders_api_load_" + System.currentTimeMillis(),
                "sales.topics.partitions", Integer.toString(INSTANCES), "sales.pipeline.group-id", "api-bench-load",
                "sales.pipeline.window", WINDOW.toSeconds() + "s",
                // The API's pool logs in as its own user: the performance schema then tells its statements apart.
                "quarkus.datasource.api.username", API_USER));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        this.dailyPath = "/api/sales/daily?from=" + today.minusDays(365) + "&to=" + today;
    }

    void run() throws Exception {
        Map<String, String> generating = new HashMap<>(config);
        generating.putAll(Map.of("sales.generator.enabled", "true", "sales.generator.rate-per-second", "1000"));
        List<ServiceProcess> services = new ArrayList<>();
        try {
            ServiceProcess first = ServiceProcess.start("api-bench-load-1", generating);
            services.add(first);
            awaitSaves(first, 3);
            System.out.printf("%n-- with the pipeline at 1,000 orders/s (%d s windows) --%n", WINDOW.toSeconds());
            for (String path : List.of("/api/sales/today", dailyPath)) {
                ApiBenchmark.latency(first, path, Duration.ofSeconds(10));
                ApiBenchmark.latency(first, path, Duration.ofSeconds(30));
            }
            saves(first, Clients.NONE);
            saves(first, Clients.POLITE);
            saves(first, Clients.NONE);
            saves(first, Clients.HOSTILE);
            rowsExamined(services);
            for (int instance = 2; instance <= INSTANCES; instance++) {
                services.add(ServiceProcess.start("api-bench-load-" + instance, config));
            }
            for (ServiceProcess service : services) {
                awaitSaves(service, 1);
            }
            rowsExamined(services);
        } finally {
            for (ServiceProcess service : services) {
                service.close();
            }
        }
    }

    /** The API's clients during a phase: none, loops that wait a 503's Retry-After, loops that ask again at once. */
    private enum Clients {
        NONE, POLITE, HOSTILE
    }

    /**
     * Each window save's time over a phase, from the service's timer (its count and sum read every 100 ms: one save
     * per read at these windows), readiness at every read, the service's CPU seconds, and the API's load meanwhile.
     */
    private void saves(ServiceProcess service, Clients clients) throws Exception {
        boolean loaded = clients != Clients.NONE;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong answered = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<InputStream> streams = new ArrayList<>();
        ExecutorService loops = Executors.newFixedThreadPool(LOOPS + SSE_CLIENTS);
        if (loaded) {
            // Stream clients read what is pushed, as the dashboard does, until their stream is closed.
            for (int i = 0; i < SSE_CLIENTS; i++) {
                InputStream stream = HTTP.send(service.request("/api/sales/stream").build(), HttpResponse.BodyHandlers.ofInputStream()).body();
                streams.add(stream);
                loops.submit(() -> stream.transferTo(OutputStream.nullOutputStream()));
            }
            for (int i = 0; i < LOOPS; i++) {
                loops.submit(() -> {
                    while (running.get()) {
                        HttpResponse<Void> response = HTTP.send(service.request(dailyPath).build(), HttpResponse.BodyHandlers.discarding());
                        (response.statusCode() == 200 ? answered : refused).incrementAndGet();
                        if (response.statusCode() == 503 && clients == Clients.POLITE) {
                            Thread.sleep(1000 * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
                        }
                    }
                    return null;
                });
            }
        }
        List<Long> micros = new ArrayList<>();
        int checks = 0;
        int notReady = 0;
        double count = service.metric("sales_window_save_seconds_count");
        double sum = service.metric("sales_window_save_seconds_sum");
        double cpu = ProcessCpu.seconds(service.pid());
        long end = System.nanoTime() + PHASE.toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(POLL.toMillis());
            checks++;
            notReady += service.isReady() ? 0 : 1;
            double nowCount = service.metric("sales_window_save_seconds_count");
            double nowSum = service.metric("sales_window_save_seconds_sum");
            for (int save = 0; save < nowCount - count; save++) {
                micros.add(Math.round((nowSum - sum) / (nowCount - count) * 1_000_000));
            }
            count = nowCount;
            sum = nowSum;
        }
        cpu = ProcessCpu.seconds(service.pid()) - cpu;
        running.set(false);
        for (InputStream stream : streams) {
            stream.close();
        }
        loops.shutdown();
        loops.awaitTermination(1, TimeUnit.MINUTES);
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("API clients %-7s: %d window saves, p50 %.1f ms, p99 %.1f ms, max %.1f ms; readiness not UP at %d of %d "
                + "checks; service CPU %.0f s in %d s%s%n", clients, sorted.length, ApiBenchmark.at(sorted, 0.5),
                ApiBenchmark.at(sorted, 0.99), ApiBenchmark.at(sorted, 1), notReady, checks, cpu, PHASE.toSeconds(), loaded
                        ? String.format("; %d year-long /daily loops answered %,d (503: %,d), %d stream clients", LOOPS,
                                answered.get(), refused.get(), SSE_CLIENTS)
                        : "");
    }

    /**
     * Rows MySQL examined (performance schema) per window saved per instance: the pipeline's statements (its MySQL
     * user) and today's figures' reads after each save (the API pool's user; no API request meanwhile).
     */
    private void rowsExamined(List<ServiceProcess> services) throws Exception {
        try (Connection root = DriverManager.getConnection(LocalServers.jdbcUrl(database), "root", "");
                Statement statement = root.createStatement()) {
            statement.execute("TRUNCATE TABLE performance_schema.events_statements_summary_by_user_by_event_name");
            double before = saved(services);
            Thread.sleep(PHASE.toMillis());
            double windows = saved(services) - before;
            try (ResultSet rows = statement.executeQuery("SELECT USER, SUM(COUNT_STAR), SUM(SUM_ROWS_EXAMINED) FROM "
                    + "performance_schema.events_statements_summary_by_user_by_event_name WHERE USER IN ('"
                    + LocalServers.DB_USER + "', '" + API_USER + "') GROUP BY USER")) {
                Map<String, long[]> byUser = new HashMap<>();
                while (rows.next()) {
                    byUser.put(rows.getString(1), new long[] { rows.getLong(2), rows.getLong(3) });
                }
                long[] pipeline = byUser.getOrDefault(LocalServers.DB_USER, new long[2]);
                long[] figures = byUser.getOrDefault(API_USER, new long[2]);
                System.out.printf("%2d instance(s): %,.0f windows saved in %d s; per window per instance, rows examined: "
                        + "%,.0f by the save (%,.1f statements), %,.0f by today's figures (%,.1f statements)%n",
                        services.size(), windows, PHASE.toSeconds(), pipeline[1] / windows, pipeline[0] / windows,
                        figures[1] / windows, figures[0] / windows);
            }
        }
    }

    private static double saved(List<ServiceProcess> services) throws Exception {
        double saves = 0;
        for (ServiceProcess service : services) {
            saves += service.metric("sales_window_save_seconds_count");
        }
        return saves;
    }

    private static void awaitSaves(ServiceProcess service, int saves) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!(service.isReady() && service.metric("sales_window_save_seconds_count") >= saves)) {
            if (System.nanoTime() > deadline || !service.isAlive()) {
                throw new IllegalStateException("no " + saves + " windows saved within 3 min; see " + service.log());
            }
            Thread.sleep(200);
        }
    }
}
