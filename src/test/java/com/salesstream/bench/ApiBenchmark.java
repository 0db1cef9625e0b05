package com.salesstream.bench;

import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import com.salesstream.TestAggregates;
import com.salesstream.TestCatalog;
import com.salesstream.catalog.CatalogSnapshot;
import com.salesstream.servers.LocalServers;
import com.salesstream.support.ServiceProcess;

/**
 * The analytics API's figures ({@code bin/api-benchmark}): with a whole day of one-minute windows stored (1,440
 * windows x 80 platform/product rows, in a scratch database), the latency of {@code GET /api/sales/today} at 100
 * requests/s for 30 s, and the CPU and resident memory that 100 idle Server-Sent-Events clients add to the service.
 * Not a test: it prints figures.
 */
public final class ApiBenchmark {

    private static final String DATABASE = "sales_bench";
    private static final Duration PHASE = Duration.ofSeconds(30);
    private static final int RATE = 100;
    private static final int SSE_CLIENTS = 100;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        try (Connection admin = DriverManager.getConnection(LocalServers.jdbcUrl(""), "root", "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE);
            statement.execute("CREATE DATABASE " + DATABASE);
            statement.execute("GRANT ALL PRIVILEGES ON " + DATABASE + ".* TO '" + LocalServers.DB_USER + "'@'%'");
        }
        Map<String, String> config = Map.of("quarkus.datasource.reactive.url", LocalServers.mysqlUrl(DATABASE),
                "quarkus.datasource.jdbc.url", LocalServers.jdbcUrl(DATABASE),
                "sales.topic", "sales_orders_api_bench_" + System.currentTimeMillis(),
                "sales.pipeline.group-id", "api-bench", "sales.generator.enabled", "false",
                // Today's figures are computed again every window period: the stored day shows up within 5 s.
                "sales.pipeline.window", "5s");
        try (ServiceProcess service = ServiceProcess.start("api-bench", config)) {
            awaitReady(service);
            int rows = storeADayOfWindows();
            awaitFigures(service);
            System.out.printf("stored: %,d aggregate rows of today (1,440 one-minute windows)%n", rows);
            latency(service, Duration.ofSeconds(10)); // warm-up: the JIT compiles the request path first
            latency(service, PHASE);
            sseCost(service);
        } finally {
            try (Connection admin = DriverManager.getConnection(LocalServers.jdbcUrl(""), "root", "");
                    Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + DATABASE);
            }
        }
    }

    private static int storeADayOfWindows() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        int rows = 0;
        try (Connection mysql = DriverManager.getConnection(LocalServers.jdbcUrl(DATABASE)
                + "?rewriteBatchedStatements=true", LocalServers.DB_USER, LocalServers.DB_PASSWORD);
                PreparedStatement insert = mysql.prepareStatement("INSERT INTO aggregated_sales (processed_at, "
                        + "order_date, platform_id, product_id, category_id, total_quantity, total_sales, total_profit) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int minute = 0; minute < 1_440; minute++) {
                for (int platform = 1; platform <= 4; platform++) {
                    for (int product = 1; product <= 20; product++) {
                        CatalogSnapshot.Product priced = TestCatalog.priced(product);
                        long quantity = 1 + (minute + platform * product) % 7;
                        insert.setObject(1, today.atStartOfDay().plusMinutes(minute));
                        insert.setObject(2, today);
                        insert.setInt(3, platform);
                        insert.setInt(4, product);
                        insert.setInt(5, priced.categoryId());
                        insert.setLong(6, quantity);
                        insert.setBigDecimal(7, priced.unitPrice().multiply(BigDecimal.valueOf(quantity)));
                        insert.setBigDecimal(8, priced.unitProfit().multiply(BigDecimal.valueOf(quantity)));
                        insert.addBatch();
                        rows++;
                    }
                }
                insert.executeBatch();
            }
            TestAggregates.rebuildDay(mysql, today);
        }
        return rows;
    }

    /** RATE requests a second for {@code phase}, each timed from its scheduled start. */
    private static void latency(ServiceProcess service, Duration phase) throws Exception {
        URI today = URI.create("http://127.0.0.1:" + service.port() + "/api/sales/today");
        ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        long start = System.nanoTime();
        long count = phase.toSeconds() * RATE;
        for (long i = 0; i < count; i++) {
            long due = start + i * TimeUnit.SECONDS.toNanos(1) / RATE;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            sent.add(HTTP.sendAsync(HttpRequest.newBuilder(today).build(), HttpResponse.BodyHandlers.ofByteArray())
                    .thenAccept(response -> {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("status " + response.statusCode());
                        }
                        micros.add((System.nanoTime() - due) / 1_000);
                    }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("GET /api/sales/today at %d/s for %d s: %d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                RATE, phase.toSeconds(), sorted.length, at(sorted, 0.50), at(sorted, 0.99), sorted[sorted.length - 1] / 1000.0);
    }

    /** CPU seconds and RSS over PHASE without clients, then with SSE_CLIENTS idle subscribers of /api/sales/stream. */
    private static void sseCost(ServiceProcess service) throws Exception {
        double[] without = measure(service);
        List<InputStream> streams = new ArrayList<>();
        URI stream = URI.create("http://127.0.0.1:" + service.port() + "/api/sales/stream");
        for (int i = 0; i < SSE_CLIENTS; i++) {
            streams.add(HTTP.send(HttpRequest.newBuilder(stream).build(), HttpResponse.BodyHandlers.ofInputStream()).body());
        }
        double[] with = measure(service);
        for (InputStream open : streams) {
            open.close();
        }
        System.out.printf("idle: %.2f s CPU per %d s, RSS %,.0f KB; with %d SSE clients: %.2f s CPU, RSS %,.0f KB "
                + "(+%.2f s CPU, +%,.0f KB)%n", without[0], PHASE.toSeconds(), without[1], SSE_CLIENTS, with[0], with[1],
                with[0] - without[0], with[1] - without[1]);
    }

    /** CPU seconds the service used during PHASE, and its resident memory at the end, in KB. */
    private static double[] measure(ServiceProcess service) throws Exception {
        double before = ProcessCpu.seconds(service.pid());
        Thread.sleep(PHASE.toMillis());
        double cpu = ProcessCpu.seconds(service.pid()) - before;
        long rss = Files.readAllLines(Path.of("/proc", Long.toString(service.pid()), "status")).stream()
                .filter(line -> line.startsWith("VmRSS:")).mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElseThrow();
        return new double[] { cpu, rss };
    }

    private static void awaitReady(ServiceProcess service) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!service.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the service did not get ready; see " + service.log());
            }
            Thread.sleep(200);
        }
    }

    /** Until the figures in memory hold the day just stored. */
    private static void awaitFigures(ServiceProcess service) throws Exception {
        URI today = URI.create("http://127.0.0.1:" + service.port() + "/api/sales/today");
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (HTTP.send(HttpRequest.newBuilder(today).build(), HttpResponse.BodyHandlers.ofString()).body()
                .contains("\"total_quantity\":0,")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("today's figures never showed the stored day");
            }
            Thread.sleep(200);
        }
    }

    private static double at(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)))] / 1000.0;
    }

    private ApiBenchmark() {
    }
}
