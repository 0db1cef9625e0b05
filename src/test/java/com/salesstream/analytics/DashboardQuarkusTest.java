package com.salesstream.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import com.salesstream.LocalKafkaTopics;
import com.salesstream.SecuredProfile;
import com.salesstream.TestAggregates;
import com.salesstream.TestCatalog;
import com.salesstream.TestOrders;
import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;
import com.salesstream.servers.DebianPackages;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The dashboard in Debian's Chromium (driven through its own ChromeDriver; nothing is downloaded): it shows what the
 * API says, and new orders reach it by push, without a reload, within the window and two seconds; at desk and phone
 * width no two labels of a chart overlap; a day chosen in the picker shows that day's totals. It logs in as a user
 * of role figures, as production asks.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
@WithTestResource(LocalKafkaTopics.class)
class DashboardQuarkusTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TestHTTPResource("/")
    URL page;
    @InjectKafkaCompanion
    KafkaCompanion companion;
    @Inject
    OrderCodec codec;
    @Inject
    Pool mysql;
    @ConfigProperty(name = "sales.topic")
    String topic;
    @ConfigProperty(name = "sales.pipeline.window")
    Duration window;

    private ChromeDriver browser;

    @BeforeEach
    void openBrowser() throws IOException {
        DebianPackages.ensureBrowser();
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--window-size=1280,800");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void showsTheApisFiguresAndFollowsNewOrdersWithoutAReload() throws Exception {
        browser.get(loggedIn());
        await().atMost(WITHIN).until(() -> browser.findElement(By.id("connection")).getText().equals("live"));
        await().atMost(WITHIN).until(() -> shown("total-sales") != null);
        assertThat(browser.findElement(By.id("title")).getText())
                .isEqualTo("Profit and Sales Dashboard: " + LocalDate.now(ZoneOffset.UTC));
        assertThat(shown("total-sales")).isEqualByComparingTo(api("total_sales"));
        assertThat(shown("total-profit")).isEqualByComparingTo(api("total_profit"));
        assertThat(browser.findElement(By.id("total-sales")).getText()).matches("\\$[0-9,]+\\.\\d{2}");
        Object marker = browser.executeScript("return window.marker = 'same page';");

        LocalDateTime started = LocalDateTime.now(ZoneOffset.UTC);
        List<Order> orders = TestOrders.now(TestOrders.Suite.DASHBOARD.firstId(), 50);
        BigDecimal before = shown("total-sales");
        LocalKafkaTopics.produce(companion, topic, codec, orders);

        // Pushed once the window holding them is saved: within the window and two seconds of their arrival in
        // Cassandra, which the consumer reaches within moments; the bound leaves room for a loaded machine.
        long produced = System.nanoTime();
        await().atMost(window.plus(Duration.ofSeconds(20))).until(() -> shown("total-sales").compareTo(before) > 0);
        System.out.printf("DashboardQuarkusTest: the page showed the new orders %d ms after they were produced (window %s)%n",
                (System.nanoTime() - produced) / 1_000_000, window);
        assertThat(browser.executeScript("return window.marker;")).as("no reload").isEqualTo(marker);
        assertThat(shown("total-sales")).isEqualByComparingTo(api("total_sales"));
        await().atMost(WITHIN).untilAsserted(() -> assertThat(browser.findElement(By.id("pipeline-status")).getText())
                .startsWith("Live"));
        screenshot("dashboard.png");
        assertThat(overlappingLabels()).as("labels that overlap at 1280 px").isEmpty();

        browser.manage().window().setSize(new Dimension(390, 844));
        assertThat(browser.findElement(By.id("total-sales")).getText()).as("readable at phone width").isNotBlank();
        browser.findElement(By.id("total-sales")); // the resize is applied
        screenshot("dashboard-phone.png");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(overlappingLabels())
                .as("labels that overlap at 390 px").isEmpty());
        TestAggregates.deleteSavedSince(mysql, LocalDate.now(ZoneOffset.UTC), started);
    }

    @Test
    void aDayChosenInThePickerShowsThatDaysTotals() {
        LocalDate day = TestOrders.Suite.DASHBOARD.randomDay();
        List<Order> orders = TestOrders.onDay(day, TestOrders.Suite.DASHBOARD.firstId(), 200);
        BigDecimal[] expected = TestCatalog.figures(orders).get("total");
        LocalKafkaTopics.produce(companion, topic, codec, orders);
        await().atMost(WITHIN).until(() -> {
            List<Object> days = SecuredProfile.VIEWER.given().queryParam("from", day.toString()).queryParam("to", day.toString())
                    .get("/api/sales/daily").then().statusCode(200).extract().jsonPath().using(TestJson.EXACT).getList("sales");
            return days.size() == 1 && new BigDecimal(days.get(0).toString()).compareTo(expected[0]) == 0;
        });
        try {
            browser.get(loggedIn());
            browser.executeScript("const picker = document.getElementById('day'); picker.value = arguments[0];"
                    + "picker.dispatchEvent(new Event('change'));", day.toString());

            await().atMost(WITHIN).until(() -> shown("day-sales") != null);
            assertThat(shown("day-sales")).isEqualByComparingTo(expected[0]);
            assertThat(shown("day-profit")).isEqualByComparingTo(expected[1]);
            assertThat(browser.findElement(By.id("day-quantity")).getText().replace(",", ""))
                    .isEqualTo(Long.toString(orders.stream().mapToLong(Order::quantity).sum()));
        } finally {
            TestAggregates.deleteDay(mysql, day);
        }
    }

    /** Pairs of text labels within one chart whose boxes intersect, as "chart: 'a' / 'b'". */
    @SuppressWarnings("unchecked")
    private List<String> overlappingLabels() {
        return (List<String>) browser.executeScript("""
                const overlaps = [];
                for (const plot of document.querySelectorAll('.plot')) {
                  const boxes = [...plot.querySelectorAll('svg text')].filter(text => text.textContent.trim())
                      .map(text => ({ text: text.textContent, box: text.getBoundingClientRect() }))
                      .filter(label => label.box.width > 0 && label.box.height > 0);
                  for (let i = 0; i < boxes.length; i++) {
                    for (let j = i + 1; j < boxes.length; j++) {
                      const a = boxes[i].box, b = boxes[j].box;
                      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
                        overlaps.push(plot.id + ": '" + boxes[i].text + "' / '" + boxes[j].text + "'");
                      }
                    }
                  }
                }
                return overlaps;""");
    }

    /** The page's address with the viewer's credentials, which the browser keeps for the page's own requests. */
    private String loggedIn() {
        return page.toString().replace("://", "://" + SecuredProfile.VIEWER.name() + ":" + SecuredProfile.VIEWER.password() + "@");
    }

    private BigDecimal shown(String id) {
        String value = browser.findElement(By.id(id)).getDomAttribute("data-value");
        return value == null ? null : new BigDecimal(value);
    }

    private static BigDecimal api(String field) {
        return new BigDecimal(SecuredProfile.VIEWER.given().get("/api/sales/today").then().statusCode(200).extract().jsonPath().using(TestJson.EXACT).getString(field));
    }

    private void screenshot(String name) throws Exception {
        Path target = Path.of("target", name);
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }


}
