package com.salesstream.analytics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.salesstream.LocalKafkaTopics;
import com.salesstream.NoGeneratorProfile;
import com.salesstream.TestAggregates;
import com.salesstream.TestCatalog;
import com.salesstream.TestOrders;
import com.salesstream.catalog.Catalog;
import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;
import com.salesstream.servers.LocalServers;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The analytics API against the real servers: its money to the cent, the series' view, and its 400s and 404s. */
@QuarkusTest
@TestProfile(NoGeneratorProfile.class)
@WithTestResource(LocalKafkaTopics.class)
class SalesApiQuarkusTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @InjectKafkaCompanion
    KafkaCompanion companion;
    @Inject
    OrderCodec codec;
    @Inject
    Pool mysql;
    @Inject
    Catalog catalog;
    @ConfigProperty(name = "sales.topic")
    String topic;

    @Test
    void todaysFiguresGrowByExactlyWhatTheCatalogSaysTheNewOrdersAreWorth() {
        LocalDateTime started = LocalDateTime.now(ZoneOffset.UTC);
        JsonPath before = today();
        List<Order> orders = TestOrders.now(firstId(), 500);
        Map<String, BigDecimal[]> expected = TestCatalog.figures(orders);
        long quantity = orders.stream().mapToLong(Order::quantity).sum();

        LocalKafkaTopics.produce(companion, topic, codec, orders);

        await().atMost(WITHIN).until(() -> today().getLong("total_quantity") == before.getLong("total_quantity") + quantity);
        JsonPath after = today();
        assertThat(money(after, "total_sales").subtract(money(before, "total_sales"))).isEqualByComparingTo(expected.get("total")[0]);
        assertThat(money(after, "total_profit").subtract(money(before, "total_profit"))).isEqualByComparingTo(expected.get("total")[1]);
        for (String platform : TestCatalog.PLATFORMS.values()) {
            assertGrew(before, after, "by_platform", platform, expected.get("platform:" + platform));
        }
        for (String category : List.of("Jewelry", "Shoes", "Clothing", "Personal Care")) {
            assertGrew(before, after, "by_category", category, expected.get("category:" + category));
        }
        assertThat(after.getList("top_products")).hasSizeLessThanOrEqualTo(10).isNotEmpty();
        assertThat(after.getString("as_of")).isNotNull();
        assertThat(after.getString("date")).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());

        // The series' view holds the same figures: per platform summed over its categories.
        Map<String, BigDecimal> viewSales = new HashMap<>();
        mysql.query("SELECT platform_name, total_sales FROM sales_and_profit_today").execute().await().atMost(WITHIN)
                .forEach(row -> viewSales.merge(row.getString(0), row.getBigDecimal(1), BigDecimal::add));
        for (String platform : TestCatalog.PLATFORMS.values()) {
            assertThat(viewSales.getOrDefault(platform, BigDecimal.ZERO)).as(platform)
                    .isEqualByComparingTo(breakdown(after, "by_platform", platform)[0]);
        }
        cleanUp(started);
    }

    @Test
    void dailyTotalsOfAPastDayAreExactlyItsOrders() {
        LocalDate day = TestOrders.Suite.API.randomDay();
        List<Order> orders = TestOrders.onDay(day, firstId(), 300);
        Map<String, BigDecimal[]> expected = TestCatalog.figures(orders);

        LocalKafkaTopics.produce(companion, topic, codec, orders);

        await().atMost(WITHIN).untilAsserted(() -> {
            JsonPath daily = given().queryParam("from", day.minusDays(1).toString()).queryParam("to", day.plusDays(1).toString())
                    .get("/api/sales/daily").then().statusCode(200).extract().jsonPath().using(TestJson.EXACT);
            assertThat(daily.getList("")).hasSize(1);
            assertThat(daily.getString("[0].date")).isEqualTo(day.toString());
            assertThat(new BigDecimal(daily.getString("[0].sales"))).isEqualByComparingTo(expected.get("total")[0]);
            assertThat(new BigDecimal(daily.getString("[0].profit"))).isEqualByComparingTo(expected.get("total")[1]);
        });
        TestAggregates.deleteDay(mysql, day);
    }

    @Test
    void anOrderIsServedFromCassandraAndAMissingOneIs404() {
        Order order = TestOrders.onDay(LocalDate.of(1801, 2, 3), firstId(), 1).get(0);
        LocalKafkaTopics.produce(companion, topic, codec, List.of(order));

        await().atMost(WITHIN).untilAsserted(() -> given().get("/api/orders/" + order.orderId()).then().statusCode(200)
                .body("order_id", equalTo(order.orderId())).body("created_at", equalTo("1801-02-03 " + order.createdAt().toLocalTime()))
                .body("payment_method", equalTo(order.paymentMethod())));
        given().get("/api/orders/" + (order.orderId() + 1)).then().statusCode(404).body("status", equalTo(404));
        TestAggregates.deleteDay(mysql, LocalDate.of(1801, 2, 3));
    }

    @Test
    void aProductAddedToTheCatalogIsValidWithoutARestart() {
        int product = 9_000 + ThreadLocalRandom.current().nextInt(1_000);
        LocalDate day = TestOrders.Suite.CATALOG.randomDay();
        Order order = new Order(TestOrders.Suite.CATALOG.firstId(), day.atTime(12, 0), 2, product, 3, 7, "paypal");
        try {
            mysql.preparedQuery("INSERT INTO dim_product (product_id, product_name, cost_price, category_id) VALUES (?, ?, ?, ?)")
                    .execute(Tuple.of(product, "Test Lantern", new BigDecimal("12.50"), 3)).await().atMost(WITHIN);

            // Read again within the refresh: 1 s here, 1 min by default.
            await().atMost(WITHIN).until(() -> catalog.current().products().containsKey(product));
            LocalKafkaTopics.produce(companion, topic, codec, List.of(order));

            await().atMost(WITHIN).untilAsserted(() -> {
                JsonPath daily = given().queryParam("from", day.toString()).queryParam("to", day.toString())
                        .get("/api/sales/daily").then().statusCode(200).extract().jsonPath().using(TestJson.EXACT);
                assertThat(daily.getList("")).hasSize(1);
                // 3 x 12.50 x (1 + 0.15, Clothing's margin)
                assertThat(new BigDecimal(daily.getString("[0].sales"))).isEqualByComparingTo("43.125");
                assertThat(new BigDecimal(daily.getString("[0].profit"))).isEqualByComparingTo("5.625");
            });
        } finally {
            TestAggregates.deleteDay(mysql, day);
            mysql.preparedQuery("DELETE FROM dim_product WHERE product_id = ?").execute(Tuple.of(product)).await().atMost(WITHIN);
        }
    }

    @Test
    void badQueriesGet400WithAProblemThatSaysWhatIsWrong() {
        given().get("/api/sales/daily").then().statusCode(400).contentType(containsString("application/problem+json"))
                .body("detail", containsString("'from' is required"));
        given().queryParam("from", "2026-02-30").queryParam("to", "2026-03-01").get("/api/sales/daily").then()
                .statusCode(400).body("detail", containsString("not a date"));
        given().queryParam("from", "2026-03-02").queryParam("to", "2026-03-01").get("/api/sales/daily").then()
                .statusCode(400).body("detail", containsString("before"));
        given().queryParam("from", "2020-01-01").queryParam("to", "2021-01-01").get("/api/sales/daily").then()
                .statusCode(400).body("detail", containsString("366"));
        for (String year : List.of("+12026-01-01", "-0001-01-01", "12026-01-01", "26-01-01", "0999-12-31")) {
            given().queryParam("from", year).queryParam("to", "2026-01-01").get("/api/sales/daily").then()
                    .statusCode(400).contentType(containsString("application/problem+json")).body("detail", containsString("'from'"));
        }
        given().queryParam("from", "1000-01-01").queryParam("to", "1000-01-02").get("/api/sales/daily").then().statusCode(200);
        given().queryParam("from", "2020-01-01' OR 1=1 --").queryParam("to", "2020-01-02").get("/api/sales/daily").then()
                .statusCode(400);
        given().get("/api/orders/abc").then().statusCode(400).body("detail", containsString("64-bit integer"));
        given().get("/api/orders/99999999999999999999").then().statusCode(400);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/sales/today"));
    }

    @Test
    void dailyRequestsBeyondTheApisBoundsGet503AndReadinessStaysUp() throws Exception {
        URI daily = URI.create("http://localhost:" + RestAssured.port + "/api/sales/daily?from=2025-01-01&to=2025-12-31");
        List<HttpResponse<String>> responses;
        try (Connection root = DriverManager.getConnection(LocalServers.MARIADB_TEST_JDBC, "root", "");
                Statement lock = root.createStatement()) {
            // Every read of the per-day rollup now waits: the API's 4 connections fill and 16 requests queue.
            lock.execute("LOCK TABLES daily_sales WRITE");
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int request = 0; request < 30; request++) {
                sent.add(HTTP.sendAsync(HttpRequest.newBuilder(daily).build(), HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(WITHIN).until(() -> sent.stream().filter(CompletableFuture::isDone).count() >= 10);
            given().get("/q/health/ready").then().statusCode(200);
            responses = sent.stream().map(CompletableFuture::join).toList();
        }
        assertThat(responses).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        });
        assertThat(responses).filteredOn(response -> response.body().contains("too many requests")).hasSize(10);
        assertThat(responses).filteredOn(response -> response.body().contains("in time")).hasSize(20);
        await().atMost(WITHIN).untilAsserted(() -> given().get(daily.toString()).then().statusCode(200));
    }

    @Test
    void liveSubscribersBeyondTheCapGet503UntilOneLeaves() throws Exception {
        int cap = ConfigProvider.getConfig().getValue("sales.api.max-stream-clients", Integer.class);
        URI stream = URI.create("http://localhost:" + RestAssured.port + "/api/sales/stream");
        List<InputStream> open = new ArrayList<>();
        try {
            HttpResponse<InputStream> refused = null;
            for (int client = 0; client <= cap && refused == null; client++) {
                HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(stream).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() == 200) {
                    response.body().read(); // subscribed: its first event arrives
                    open.add(response.body());
                } else {
                    refused = response;
                }
            }
            assertThat(refused).as("a subscriber beyond " + cap).isNotNull();
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(new String(refused.body().readAllBytes(), StandardCharsets.UTF_8)).contains("max-stream-clients");
        } finally {
            for (InputStream body : open) {
                body.close();
            }
        }
        await().atMost(WITHIN).until(() -> {
            HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(stream).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            response.body().close();
            return response.statusCode() == 200;
        });
    }

    private static void assertGrew(JsonPath before, JsonPath after, String list, String name, BigDecimal[] expected) {
        BigDecimal[] was = breakdown(before, list, name);
        BigDecimal[] now = breakdown(after, list, name);
        BigDecimal[] grew = expected == null ? new BigDecimal[] { BigDecimal.ZERO, BigDecimal.ZERO } : expected;
        assertThat(now[0].subtract(was[0])).as(list + " " + name + " sales").isEqualByComparingTo(grew[0]);
        assertThat(now[1].subtract(was[1])).as(list + " " + name + " profit").isEqualByComparingTo(grew[1]);
    }

    /** Sales and profit of one entry of a breakdown; zero when absent. */
    private static BigDecimal[] breakdown(JsonPath figures, String list, String name) {
        List<Map<String, Object>> entries = figures.getList(list);
        return entries.stream().filter(entry -> name.equals(entry.get("name")))
                .map(entry -> new BigDecimal[] { new BigDecimal(entry.get("sales").toString()), new BigDecimal(entry.get("profit").toString()) })
                .findFirst().orElse(new BigDecimal[] { BigDecimal.ZERO, BigDecimal.ZERO });
    }

    private static BigDecimal money(JsonPath figures, String field) {
        return new BigDecimal(figures.getString(field));
    }

    private static JsonPath today() {
        return given().get("/api/sales/today").then().statusCode(200).extract().jsonPath().using(TestJson.EXACT);
    }


    private static long firstId() {
        return TestOrders.Suite.API.firstId();
    }


    /** Today's rows this test's windows wrote (nothing else writes while the generator is off). */
    private void cleanUp(LocalDateTime started) {
        TestAggregates.deleteSavedSince(mysql, LocalDate.now(ZoneOffset.UTC), started);
    }
}
