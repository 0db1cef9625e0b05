package com.salesstream.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.salesstream.TestOrders;
import com.salesstream.order.Order;
import com.salesstream.support.FaultRun;
import com.salesstream.support.LocalStores;
import com.salesstream.support.OrderFeed;
import com.salesstream.support.ServiceProcess;
import com.salesstream.support.TestTopics;
import com.salesstream.servers.LocalServers;

/**
 * The guarantees of docs/GUARANTEES.md against the packaged service, run as separate processes that are killed,
 * while the real Kafka, Cassandra and MariaDB are stopped and started under them.
 */
class DeliveryGuaranteesIT {

    private static final String KEYSPACE = LocalServers.TEST_KEYSPACE;
    private static final Duration PROGRESS_WITHIN = FaultRun.PROGRESS_WITHIN;
    private static final Duration SETTLED_WITHIN = FaultRun.SETTLED_WITHIN;

    private static final LocalServers SERVERS = LocalServers.ofThisProject();

    private final LocalStores stores = new LocalStores();
    private Admin admin;
    private String topic;
    private String group;
    private LocalDate day;
    private List<Order> orders;

    @BeforeAll
    static void servers() {
        SERVERS.start();
    }

    @BeforeEach
    void freshTopicAndDay() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        topic = "sales_orders_it_" + run;
        group = "sales-it-" + run;
        day = TestOrders.Suite.DELIVERY.randomDay();
        admin = Admin.create(Map.of("bootstrap.servers", LocalServers.KAFKA));
        admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
    }

    @AfterEach
    void cleanUp() throws Exception {
        SERVERS.start();
        TestTopics.delete(LocalServers.KAFKA, topic, List.of(group));
        admin.close();
        stores.deleteAggregates(day);
        if (orders != null) {
            stores.deleteOrders(KEYSPACE, orders.get(0).orderId(), orders.size());
        }
        stores.close();
    }

    @Test
    void killingTheServiceWithSigkillLosesNothingAndCountsNothingTwice() throws Exception {
        orders = orders(30_000);
        ServiceProcess service = null;
        try (OrderFeed feed = OrderFeed.start(topic, orders, 1_500)) {
            service = ServiceProcess.start("it-kill", serviceConfig());
            for (int kill = 1; kill <= 3; kill++) {
                awaitProgress();
                service.kill();
                service = ServiceProcess.start("it-kill", serviceConfig());
            }
            feed.awaitSent(SETTLED_WITHIN);
            assertExactlyStored(orders);
        } finally {
            // Also when a step fails: a service left running would load the servers of the tests after it.
            if (service != null) {
                service.close();
            }
        }
    }

    @Test
    void whenOneOfTwoInstancesIsKilledTheOtherTakesOverExactly() throws Exception {
        orders = orders(20_000);
        try (OrderFeed feed = OrderFeed.start(topic, orders, 1_000);
                ServiceProcess first = ServiceProcess.start("it-first", serviceConfig());
                ServiceProcess second = ServiceProcess.start("it-second", serviceConfig())) {
            awaitProgress();
            first.kill();
            feed.awaitSent(SETTLED_WITHIN);
            assertExactlyStored(orders);
        }
    }

    @Test
    void eachServerCutOffForThirtySecondsTurnsReadinessDownAndLosesNothing() throws Exception {
        List<Order> planned = orders(100_000);
        orders = planned;
        try (OrderFeed feed = OrderFeed.start(topic, planned, 250);
                ServiceProcess service = ServiceProcess.start("it-outages", serviceConfig())) {
            await().atMost(PROGRESS_WITHIN).until(service::isReady);
            for (String server : List.of("cassandra", "mariadb", "kafka")) {
                awaitProgress();
                long cutAt = System.nanoTime();
                SERVERS.stop(server);
                await().atMost(Duration.ofSeconds(60)).until(() -> !service.isReady());
                assertThat(service.isLive()).as("liveness while %s is away", server).isTrue();
                FaultRun.lastsUntil(cutAt, Duration.ofSeconds(30));
                SERVERS.start(server);
                await().atMost(SETTLED_WITHIN).until(service::isReady);
            }
            List<Order> produced = planned.subList(0, feed.stop(SETTLED_WITHIN));
            assertExactlyStored(produced);
        }
    }

    @Test
    void sigtermSavesTheOpenWindowBeforeExiting() throws Exception {
        orders = orders(5_000);
        Map<String, String> config = serviceConfig();
        config.put("sales.pipeline.window", "10m");
        // The feed fills whole polls: without this, the window would close as soon as the consumer caught up.
        config.put("sales.pipeline.catch-up-window", "10m");
        try (OrderFeed feed = OrderFeed.start(topic, orders, 5_000);
                ServiceProcess service = ServiceProcess.start("it-sigterm", config)) {
            feed.awaitSent(SETTLED_WITHIN);
            await().atMost(SETTLED_WITHIN)
                    .until(() -> stores.storedOrders(KEYSPACE, orders.get(0).orderId(), orders.size()) == orders.size());
            assertThat(stores.aggregates(day)).as("the ten-minute window is still open").isEmpty();

            assertThat(service.stop(Duration.ofSeconds(10))).as("exited within 10 s of SIGTERM").isTrue();

            assertThat(stores.aggregates(day)).isEqualTo(TestOrders.totals(orders));
        }
    }

    private List<Order> orders(int count) {
        return TestOrders.onDay(day, TestOrders.Suite.DELIVERY.firstId(), count);
    }

    private Map<String, String> serviceConfig() {
        return FaultRun.serviceConfig(topic, group);
    }

    private void awaitProgress() throws Exception {
        FaultRun.awaitProgress(stores, day);
    }

    private void assertExactlyStored(List<Order> produced) {
        Map<String, Long> expected = TestOrders.totals(produced);
        await().atMost(SETTLED_WITHIN).untilAsserted(() -> assertThat(stores.aggregates(day)).isEqualTo(expected));
        assertThat(stores.storedOrders(KEYSPACE, produced.get(0).orderId(), produced.size())).isEqualTo(produced.size());
    }
}
