package com.salesstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import com.datastax.oss.driver.api.core.CqlSession;
import com.salesstream.order.Order;
import com.salesstream.servers.LocalServers;
import com.salesstream.support.FaultRun;
import com.salesstream.support.LocalStores;
import com.salesstream.support.OrderFeed;
import com.salesstream.support.ServiceProcess;
import com.salesstream.support.TestTopics;

/**
 * {@code ./mvnw verify} leaves the developer's data as it found it: a service started the way every test starts one
 * counts its orders in the tests' own database and keyspace, and its topic and consumer group are gone afterwards.
 * The developer's {@code sales} database and keyspace are read before and after, for the orders' day and ids.
 */
class DeveloperDataIT {

    private static final Duration WITHIN = FaultRun.SETTLED_WITHIN;

    @Test
    void aServiceTheTestsStartWritesToTheTestsOwnStoresOnly() throws Exception {
        LocalServers.ofThisProject().start();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "sales_orders_isolation_" + run;
        String group = "sales-isolation-" + run;
        LocalDate day = TestOrders.Suite.ISOLATION.randomDay();
        List<Order> orders = TestOrders.onDay(day, TestOrders.Suite.ISOLATION.firstId(), 500);
        long quantity = orders.stream().mapToLong(Order::quantity).sum();
        List<Long> developersBefore = developersFigures(day);

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", LocalServers.KAFKA)); LocalStores stores = new LocalStores()) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
            try (OrderFeed feed = OrderFeed.start(topic, orders, 1_000);
                    ServiceProcess service = ServiceProcess.start("it-developer-data", FaultRun.serviceConfig(topic, group))) {
                feed.awaitSent(WITHIN);
                await().atMost(WITHIN).until(() -> FaultRun.total(stores, day) == quantity);
                assertThat(stores.storedOrders(LocalServers.TEST_KEYSPACE, orders.get(0).orderId(), orders.size()))
                        .as("orders in the tests' keyspace").isEqualTo(orders.size());
                service.stop(Duration.ofSeconds(30)); // its consumer leaves the group
            } finally {
                TestTopics.delete(LocalServers.KAFKA, topic, List.of(group));
                stores.deleteAggregates(day);
                stores.deleteOrders(LocalServers.TEST_KEYSPACE, orders.get(0).orderId(), orders.size());
            }

            assertThat(developersFigures(day)).as("the developer's sales database for the day").isEqualTo(developersBefore);
            assertThat(developersOrders(stores.cassandra(), orders)).as("the orders in the developer's keyspace").isZero();
            await().atMost(WITHIN).until(() -> TestTopics.deleteHeld() == 0);
            assertThat(admin.listConsumerGroups().all().get()).extracting(ConsumerGroupListing::groupId).doesNotContain(group);
        }
    }

    /** The day's fact rows and quantity in the developer's database; zeros where it has no schema yet. */
    private static List<Long> developersFigures(LocalDate day) throws SQLException {
        try (Connection mysql = DriverManager.getConnection(LocalServers.MARIADB_JDBC, LocalServers.DB_USER, LocalServers.DB_PASSWORD);
                PreparedStatement query = mysql.prepareStatement(
                        "SELECT COUNT(*), COALESCE(SUM(total_quantity), 0) FROM aggregated_sales WHERE order_date = ?")) {
            query.setObject(1, day);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return List.of(rows.getLong(1), rows.getLong(2));
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146) { // no such table: the developer's service never ran here
                return List.of(0L, 0L);
            }
            throw e;
        }
    }

    /** How many of the orders the developer's {@code sales.orders} holds; zero where it does not exist. */
    private static long developersOrders(CqlSession cassandra, List<Order> orders) {
        if (cassandra.getMetadata().getKeyspace("sales").flatMap(keyspace -> keyspace.getTable("orders")).isEmpty()) {
            return 0;
        }
        var select = cassandra.prepare("SELECT order_id FROM sales.orders WHERE order_id IN ?");
        List<Long> ids = new ArrayList<>(orders.stream().map(Order::orderId).toList());
        return LocalStores.inClauses(ids).stream().mapToLong(chunk -> cassandra.execute(select.bind(chunk)
                .setTimeout(LocalStores.CQL_TIMEOUT)).all().size()).sum();
    }
}
