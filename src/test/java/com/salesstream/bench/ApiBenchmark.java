package com.salesstream.bench;

import java.io.InputStream;
import java.math.BigDecimal;
import java.net.http.HttpClient;
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
import java.util.HashMap;
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
 * The analytics API's figures ({@code bin/api-benchmark}): with a whole day of one-minute windows of 12 instances
 * stored (1,440 windows x 80 platform/product rows x 12, in a scratch database, facts and rollups) and the rollups of
 * the 29 days before, the latency of {@code GET /api/sales/today} and of a 366-day {@code GET /api/sales/daily} at 100 requests/s for 30 s each; the
 * rows MySQL reads per request, beside what V2's queries over the facts read for the same figures; and the CPU and
 * resident memory that 100 idle Server-Sent-Events clients add to the service; then the same beside a running
 * pipeline ({@link ApiUnderLoad}). Not a test: it prints figures.
 */
public final class ApiBenchmark {

    private static final String DATABASE = "sales_bench";
    private static final Duration PHASE = Duration.ofSeconds(30);
    private static final int RATE = 100;
    private static final int SSE_CLIENTS = 100;
    /** Each window is stored once per instance, as 12 replicas would. */
    private static final int INSTANCES = 12;
    private static final Duration WINDOW = Duration.ofSeconds(5);
    /**
     * Days before today given today's rollups: a month of what the API reads. Their facts are left out (the API
     * never reads facts; a save only adds to their indexes).
     */
    private static final int PAST_DAYS = 29;
    private static final String FIGURES = "total_quantity, total_sales, total_profit FROM ";
    private static final List<String> COPY_ROLLUPS = List.of(
            "INSERT INTO daily_sales SELECT order_date - INTERVAL ? DAY, " + FIGURES + "daily_sales WHERE order_date = ?",
            "INSERT INTO daily_platform_category_sales SELECT order_date - INTERVAL ? DAY, platform_id, category_id, "
                    + FIGURES + "daily_platform_category_sales WHERE order_date = ?",
            "INSERT INTO daily_product_sales SELECT order_date - INTERVAL ? DAY, product_id, " + FIGURES
                    + "daily_product_sales WHERE order_date = ?",
            "INSERT INTO minute_sales SELECT order_date - INTERVAL ? DAY, window_minute - INTERVAL ? DAY, " + FIGURES
                    + "minute_sales WHERE order_date = ?");
    /** What V2 ran, over the facts joined with today's catalog: today's four queries and a year of /daily. */
    private static final String V2_FIGURES = "SUM(a.total_quantity * d.cost_price * (1 + c.profit_margin)), "
            + "SUM(a.total_quantity * d.cost_price * c.profit_margin), SUM(a.total_quantity) FROM aggregated_sales a "
            + "JOIN dim_product d ON d.product_id = a.product_id JOIN dim_category c ON c.category_id = d.category_id "
            + "JOIN dim_platform p ON p.platform_id = a.platform_id ";
    private static final List<String> V2_TODAY = List.of(
            "SELECT p.platform_name, " + V2_FIGURES + "WHERE a.order_date = ? GROUP BY p.platform_id, p.platform_name",
            "SELECT c.category_name, " + V2_FIGURES + "WHERE a.order_date = ? GROUP BY c.category_id, c.category_name",
            "SELECT d.product_name, " + V2_FIGURES + "WHERE a.order_date = ? GROUP BY d.product_id, d.product_name ORDER BY 2 DESC LIMIT 10",
            "SELECT DATE_FORMAT(a.processed_at, '%H:%i'), " + V2_FIGURES + "WHERE a.order_date = ? GROUP BY 1 ORDER BY 1");
    private static final String V2_DAILY = "SELECT a.order_date, " + V2_FIGURES
            + "WHERE a.order_date BETWEEN DATE_SUB(?, INTERVAL 365 DAY) AND ? GROUP BY a.order_date";
    /**
     * HTTP/1.1, a connection per request or stream as browsers have over plain HTTP: one HTTP/2 connection would share
     * its flow-control window among all the streams, and unread ones would stall the rest.
     */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        try (Connection admin = DriverManager.getConnection(LocalServers.jdbcUrl(""), "root", "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + DATABASE);
            statement.execute("CREATE DATABASE " + DATABASE);
            for (String user : List.of(LocalServers.DB_USER, ApiUnderLoad.API_USER)) {
                statement.execute("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + LocalServers.DB_PASSWORD + "'");
                statement.execute("GRANT ALL PRIVILEGES ON " + DATABASE + ".* TO '" + user + "'@'%'");
            }
        }
        Map<String, String> database = Map.of("quarkus.datasource.reactive.url", LocalServers.mysqlUrl(DATABASE),
                "quarkus.datasource.jdbc.url", LocalServers.jdbcUrl(DATABASE), "sales.cassandra.keyspace", "sales_api_bench");
        Map<String, String> config = new HashMap<>(database);
        config.putAll(Map.of("sales.topic", "sales_orders_api_bench_" + System.currentTimeMillis(),
                "sales.pipeline.group-id", "api-bench", "sales.generator.enabled", "false",
                // Today's figures are computed again every window period: the stored day shows up within 5 s.
                "sales.pipeline.window", WINDOW.toSeconds() + "s"));
        try {
            try (ServiceProcess service = ServiceProcess.start("api-bench", config)) {
                awaitReady(service);
                int rows = storeADayOfWindows();
                awaitFigures(service);
                System.out.printf("stored: %,d aggregate rows of today (1,440 one-minute windows of %d instances), "
                        + "and the rollups of the %d days before%n", rows, INSTANCES, PAST_DAYS);
                LocalDate today = LocalDate.now(ZoneOffset.UTC);
                String todayPath = "/api/sales/today";
                String dailyPath = "/api/sales/daily?from=" + today.minusDays(365) + "&to=" + today;
                System.out.printf("%n-- the pipeline idle --%n");
                latency(service, todayPath, Duration.ofSeconds(10)); // warm-up: the JIT compiles the request path first
                latency(service, todayPath, PHASE);
                latency(service, dailyPath, Duration.ofSeconds(10));
                latency(service, dailyPath, PHASE);
                rowsRead(service, dailyPath, today);
                sseCost(service);
            }
            new ApiUnderLoad(database, DATABASE).run();
        } finally {
            try (Connection admin = DriverManager.getConnection(LocalServers.jdbcUrl(""), "root", "");
                    Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + DATABASE);
                statement.execute("DROP USER IF EXISTS '" + ApiUnderLoad.API_USER + "'@'%'");
            }
        }
    }

    private static int storeADayOfWindows() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        int rows = 0;
        try (Connection mysql = DriverManager.getConnection(LocalServers.jdbcUrl(DATABASE)
                + "?rewriteBatchedStatements=true", LocalServers.DB_USER, LocalServers.DB_PASSWORD);
                PreparedStatement insert = mysql.prepareStatement("INSERT INTO aggregated_sales (processed_at, "
                        + "window_start, order_date, platform_id, product_id, category_id, total_quantity, total_sales, "
                        + "total_profit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int minute = 0; minute < 1_440; minute++) {
                for (int row = 0; row < 80 * INSTANCES; row++) {
                    int platform = 1 + row % 4;
                    int product = 1 + row / 4 % 20;
                    CatalogSnapshot.Product priced = TestCatalog.priced(product);
                    long quantity = 1 + (minute + platform * product) % 7;
                    insert.setObject(1, today.atStartOfDay().plusMinutes(minute + 1));
                    insert.setObject(2, today.atStartOfDay().plusMinutes(minute));
                    insert.setObject(3, today);
                    insert.setInt(4, platform);
                    insert.setInt(5, product);
                    insert.setInt(6, priced.categoryId());
                    insert.setLong(7, quantity);
                    insert.setBigDecimal(8, priced.unitPrice().multiply(BigDecimal.valueOf(quantity)));
                    insert.setBigDecimal(9, priced.unitProfit().multiply(BigDecimal.valueOf(quantity)));
                    insert.addBatch();
                    rows++;
                }
                insert.executeBatch();
            }
            TestAggregates.rebuildDay(mysql, today);
            for (int day = 1; day <= PAST_DAYS; day++) {
                for (String sql : COPY_ROLLUPS) {
                    try (PreparedStatement copy = mysql.prepareStatement(sql)) {
                        int parameters = copy.getParameterMetaData().getParameterCount();
                        for (int parameter = 1; parameter < parameters; parameter++) {
                            copy.setInt(parameter, day);
                        }
                        copy.setObject(parameters, today);
                        copy.executeUpdate();
                    }
                }
            }
        }
        return rows;
    }

    /**
     * Rows MySQL read (its Handler_read counters) per /daily request, the service idle otherwise; and per run of
     * V2's queries over the same rows, for the same figures.
     */
    private static void rowsRead(ServiceProcess service, String dailyPath, LocalDate today) throws Exception {
        try (Connection mysql = DriverManager.getConnection(LocalServers.jdbcUrl(DATABASE), "root", "")) {
            long before = handlerReads(mysql, "GLOBAL");
            for (int request = 0; request < 100; request++) {
                HTTP.send(service.request(dailyPath).build(), HttpResponse.BodyHandlers.discarding());
            }
            System.out.printf("rows read per 366-day /daily (rollups): %,d%n", (handlerReads(mysql, "GLOBAL") - before) / 100);
            // Idle, the service reads only today's figures, once per window period (WINDOW here).
            before = handlerReads(mysql, "GLOBAL");
            Thread.sleep(PHASE.toMillis());
            System.out.printf("rows read per computation of today's figures (rollups, idle %d s / %d s windows): %,d%n",
                    PHASE.toSeconds(), WINDOW.toSeconds(),
                    (handlerReads(mysql, "GLOBAL") - before) / (PHASE.toSeconds() / WINDOW.toSeconds()));
            long[] v2Today = v2Reads(mysql, V2_TODAY, today);
            System.out.printf("rows read by V2's today (4 grouped joins over the facts): %,d, in %d ms%n", v2Today[0],
                    v2Today[1]);
            long[] v2Daily = v2Reads(mysql, List.of(V2_DAILY), today);
            System.out.printf("rows read by V2's 366-day /daily: %,d, in %d ms%n", v2Daily[0], v2Daily[1]);
        }
    }

    /** Rows read and milliseconds taken by the statements, each given today's date. */
    private static long[] v2Reads(Connection mysql, List<String> statements, LocalDate today) throws Exception {
        long before = handlerReads(mysql, "SESSION");
        long start = System.nanoTime();
        for (String sql : statements) {
            try (PreparedStatement query = mysql.prepareStatement(sql)) {
                for (int parameter = 1; parameter <= query.getParameterMetaData().getParameterCount(); parameter++) {
                    query.setObject(parameter, today);
                }
                query.executeQuery().close();
            }
        }
        return new long[] { handlerReads(mysql, "SESSION") - before, (System.nanoTime() - start) / 1_000_000 };
    }

    private static long handlerReads(Connection mysql, String scope) throws Exception {
        long reads = 0;
        try (Statement statement = mysql.createStatement();
                var rows = statement.executeQuery("SHOW " + scope + " STATUS LIKE 'Handler_read%'")) {
            while (rows.next()) {
                reads += rows.getLong(2);
            }
        }
        return reads;
    }

    /** RATE requests a second for {@code phase}, each timed from its scheduled start. */
    static void latency(ServiceProcess service, String path, Duration phase) throws Exception {
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
            sent.add(HTTP.sendAsync(service.request(path).build(), HttpResponse.BodyHandlers.ofByteArray())
                    .thenAccept(response -> {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("status " + response.statusCode());
                        }
                        micros.add((System.nanoTime() - due) / 1_000);
                    }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("GET %s at %d/s for %d s: %d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                path, RATE, phase.toSeconds(), sorted.length, at(sorted, 0.50), at(sorted, 0.99), at(sorted, 1));
    }

    /** CPU seconds and RSS over PHASE without clients, then with SSE_CLIENTS idle subscribers of /api/sales/stream. */
    private static void sseCost(ServiceProcess service) throws Exception {
        double[] without = measure(service);
        List<InputStream> streams = new ArrayList<>();
        for (int i = 0; i < SSE_CLIENTS; i++) {
            streams.add(HTTP.send(service.request("/api/sales/stream").build(), HttpResponse.BodyHandlers.ofInputStream()).body());
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
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (HTTP.send(service.request("/api/sales/today").build(), HttpResponse.BodyHandlers.ofString()).body()
                .contains("\"total_quantity\":0,")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("today's figures never showed the stored day");
            }
            Thread.sleep(200);
        }
    }

    /** The quantile of sorted microseconds, in milliseconds (0 of none). */
    static double at(long[] sorted, double quantile) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)))] / 1000.0;
    }

    private ApiBenchmark() {
    }
}
