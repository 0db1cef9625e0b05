package com.salesstream.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.salesstream.TestOrders;
import com.salesstream.order.Order;
import com.salesstream.servers.LocalCluster;
import com.salesstream.servers.LocalServers;
import com.salesstream.support.FaultRun;
import com.salesstream.support.LocalStores;
import com.salesstream.support.OrderFeed;
import com.salesstream.support.PauseWatch;
import com.salesstream.support.ServiceProcess;

/**
 * The pipeline's promises on a real cluster (three Kafka brokers at replication 3 and min ISR 2, three Cassandra nodes
 * at replication 3 and LOCAL_QUORUM), while nodes are killed, paused and stopped under load: every produced order in
 * Cassandra (read at QUORUM), MySQL's sums exact per product and day, nothing counted twice. Each test prints how
 * long the pipeline paused. MySQL stays the single local MariaDB.
 */
class ClusterIT {

    private static final LocalCluster CLUSTER = LocalCluster.ofThisProject();
    private static final int PARTITIONS = 4;
    /** RF 3 on 2 cores is CPU-bound: a few hundred orders a second. */
    private static final int RATE = 300;
    private static final Duration OUTAGE = Duration.ofSeconds(60);
    private static final Duration SETTLED_WITHIN = Duration.ofMinutes(4);
    private static final String CASSANDRA_WRITES = "sales_orders_written_total{sink=\"cassandra\"}";

    private final LocalStores stores = new LocalStores(contactPoints(), DefaultConsistencyLevel.QUORUM);
    private Admin admin;
    private String topic;
    private String group;
    private String keyspace;
    private LocalDate day;

    @BeforeAll
    static void servers() {
        LocalServers.ofThisProject().start("mariadb");
        CLUSTER.start();
    }

    @AfterAll
    static void stopCluster() {
        // Six JVMs: the tests after this suite need the cores.
        CLUSTER.stop();
    }

    @BeforeEach
    void freshTopicKeyspaceAndDay() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        topic = "sales_orders_cluster_" + run;
        group = "sales-cluster-" + run;
        keyspace = "sales_cluster_" + run;
        day = TestOrders.Suite.CLUSTER.randomDay();
        admin = Admin.create(Map.of("bootstrap.servers", LocalCluster.KAFKA));
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3)
                .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")))).all().get();
    }

    @AfterEach
    void cleanUp() throws Exception {
        // Every node back, whatever the test left down.
        for (String node : LocalCluster.CASSANDRA_NODES) {
            if (CLUSTER.paused(node)) {
                CLUSTER.resume(node);
            }
        }
        CLUSTER.start();
        admin.deleteTopics(List.of(topic, topic + ".dlq"));
        admin.close();
        stores.deleteAggregates(day);
        stores.cassandra().execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace)
                .setTimeout(LocalStores.CQL_TIMEOUT));
        stores.close();
    }

    @Test
    void theBrokerLeadingThePartitionsKilledThenTheActiveControllerThenFiveBouncesLoseNothing() throws Exception {
        List<Order> orders = orders(60_000);
        try (OrderFeed feed = OrderFeed.start(LocalCluster.KAFKA, topic, orders, RATE);
                ServiceProcess service = ServiceProcess.start("it-cluster-leader", serviceConfig());
                PauseWatch pauses = PauseWatch.of(List.of(service))) {
            awaitProgress();
            String leader = leaderOfPartitionZero();
            CLUSTER.kill(leader);
            Thread.sleep(Duration.ofSeconds(30).toMillis()); // the outage is the fault under test
            CLUSTER.start(leader);
            awaitProgress();

            String controller = "kafka-" + admin.describeMetadataQuorum().quorumInfo().get().leaderId();
            CLUSTER.kill(controller);
            Thread.sleep(Duration.ofSeconds(30).toMillis());
            CLUSTER.start(controller);
            awaitProgress();

            for (int bounce = 1; bounce <= 5; bounce++) {
                String chased = leaderOfPartitionZero();
                CLUSTER.kill(chased);
                CLUSTER.start(chased);
                awaitFullyReplicated();
            }
            List<Order> produced = orders.subList(0, feed.stop(SETTLED_WITHIN));
            assertExactlyStored(produced);
            report("broker leader and controller SIGKILLed, five bounces", pauses, produced.size());
        }
    }

    @Test
    void oneCassandraNodeKilledForAMinuteUnderLoadHoldsEveryRowOnceItsHintsReplay() throws Exception {
        List<Order> orders = orders(60_000);
        String lost = "cassandra-2";
        try (OrderFeed feed = OrderFeed.start(LocalCluster.KAFKA, topic, orders, RATE);
                ServiceProcess service = ServiceProcess.start("it-cluster-cassandra-kill", serviceConfig());
                PauseWatch pauses = PauseWatch.of(List.of(service))) {
            awaitProgress();
            CLUSTER.kill(lost);
            // Writes go on at LOCAL_QUORUM with two of three replicas.
            awaitProgress();
            Thread.sleep(OUTAGE.toMillis());
            assertThat(service.isLive()).isTrue();
            CLUSTER.start(lost);
            List<Order> produced = orders.subList(0, feed.stop(SETTLED_WITHIN));
            assertExactlyStored(produced);
            report("one Cassandra node SIGKILLed for 60 s", pauses, produced.size());

            // What the returned node holds alone once the others have no hints left for it, read at ONE with the
            // others stopped. Printed, not asserted: one run found 20 of 46,778 rows missing there (hints are best
            // effort; a repair makes the node whole). LOCAL_QUORUM reads never depend on it.
            await().atMost(SETTLED_WITHIN).until(() -> LocalCluster.CASSANDRA_NODES.stream().allMatch(this::noPendingHints));
            LocalCluster.CASSANDRA_NODES.stream().filter(node -> !node.equals(lost)).forEach(CLUSTER::stop);
            try (CqlSession alone = CLUSTER.session(lost)) {
                System.out.printf("[cluster] %s alone, read at ONE after its hints: %,d of %,d rows%n", lost,
                        storedAtOne(alone, produced), produced.size());
            }
        }
    }

    @Test
    void twoOfThreeCassandraNodesDownDowngradeNoWriteAndThePipelineResumesAlone() throws Exception {
        List<Order> orders = orders(40_000);
        try (OrderFeed feed = OrderFeed.start(LocalCluster.KAFKA, topic, orders, RATE);
                ServiceProcess service = ServiceProcess.start("it-cluster-two-cassandra", serviceConfig());
                PauseWatch pauses = PauseWatch.of(List.of(service))) {
            awaitProgress();
            CLUSTER.kill("cassandra-2");
            CLUSTER.kill("cassandra-3");
            // Batches in flight may still finish on the way down; after that, nothing reaches LOCAL_QUORUM.
            await().atMost(Duration.ofSeconds(60)).until(() -> !service.isReady());
            double written = service.metric(CASSANDRA_WRITES);
            Thread.sleep(Duration.ofSeconds(20).toMillis());
            assertThat(service.metric(CASSANDRA_WRITES)).as("orders written with one replica of three")
                    .isEqualTo(written);
            assertThat(service.isLive()).isTrue();
            CLUSTER.start("cassandra-2");
            CLUSTER.start("cassandra-3");
            await().atMost(SETTLED_WITHIN).until(service::isReady);
            List<Order> produced = orders.subList(0, feed.stop(SETTLED_WITHIN));
            assertExactlyStored(produced);
            report("two of three Cassandra nodes down", pauses, produced.size());
        }
    }

    @Test
    void aCassandraNodeFrozenWithSigstopHoldsNoBatch() throws Exception {
        List<Order> orders = orders(30_000);
        try (OrderFeed feed = OrderFeed.start(LocalCluster.KAFKA, topic, orders, RATE);
                ServiceProcess service = ServiceProcess.start("it-cluster-sigstop", serviceConfig());
                PauseWatch pauses = PauseWatch.of(List.of(service))) {
            awaitProgress();
            CLUSTER.pause("cassandra-3");
            long frozenAt = System.nanoTime();
            // A gray failure: the node keeps its sockets open and answers nothing. The pipeline goes on without it.
            awaitProgress();
            awaitProgress();
            assertThat(service.isLive()).isTrue();
            Thread.sleep(Math.max(0, Duration.ofSeconds(30).toMillis() - (System.nanoTime() - frozenAt) / 1_000_000));
            CLUSTER.resume("cassandra-3");
            List<Order> produced = orders.subList(0, feed.stop(SETTLED_WITHIN));
            assertExactlyStored(produced);
            assertThat(service.isLive()).isTrue();
            report("one Cassandra node SIGSTOPped for 30 s", pauses, produced.size());
        }
    }

    @Test
    void threeInstancesStartedTogetherOnAnEmptyKeyspaceMakeOneTableThatSurvivesARollingRestart() throws Exception {
        List<Order> orders = orders(20_000);
        List<ServiceProcess> services = new ArrayList<>();
        try (OrderFeed feed = OrderFeed.start(LocalCluster.KAFKA, topic, orders, RATE)) {
            for (int instance = 1; instance <= 3; instance++) {
                services.add(ServiceProcess.start("it-cluster-together-" + instance, serviceConfig()));
            }
            feed.awaitSent(SETTLED_WITHIN);
            assertExactlyStored(orders);

            Set<Object> tableIds = new HashSet<>();
            Set<Object> schemaVersions = new HashSet<>();
            for (String node : LocalCluster.CASSANDRA_NODES) {
                try (CqlSession one = CLUSTER.session(node)) {
                    one.execute("SELECT id FROM system_schema.tables WHERE keyspace_name = '" + keyspace
                            + "' AND table_name = 'orders'").forEach(row -> tableIds.add(row.getObject(0)));
                    schemaVersions.add(one.execute("SELECT schema_version FROM system.local").one().getObject(0));
                }
            }
            assertThat(tableIds).as("the orders table's id on every node").hasSize(1);
            assertThat(schemaVersions).as("schema versions across the nodes").hasSize(1);

            for (String node : LocalCluster.CASSANDRA_NODES) {
                CLUSTER.restart(node);
            }
            assertThat(stores.storedOrders(keyspace, orders.get(0).orderId(), orders.size()))
                    .as("rows after a rolling restart").isEqualTo(orders.size());
        } finally {
            for (ServiceProcess service : services) {
                service.close();
            }
        }
    }

    private List<Order> orders(int count) {
        return TestOrders.onDay(day, TestOrders.Suite.CLUSTER.firstId(), count);
    }

    private Map<String, String> serviceConfig() {
        Map<String, String> config = FaultRun.serviceConfig(topic, group);
        config.putAll(LocalCluster.quarkusConfig());
        config.put("sales.cassandra.keyspace", keyspace);
        // Readiness reports a held pipeline within the tests' patience.
        config.put("sales.pipeline.stall-timeout", "15s");
        return config;
    }

    private void awaitProgress() throws Exception {
        FaultRun.awaitProgress(stores, day);
    }

    private String leaderOfPartitionZero() throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        return "kafka-" + description.partitions().get(0).leader().id();
    }

    /** Every partition of the topic back to three in-sync replicas. */
    private void awaitFullyReplicated() {
        await().atMost(SETTLED_WITHIN).until(() -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions().stream().allMatch(partition -> partition.isr().size() == 3));
    }

    private boolean noPendingHints(String node) {
        try (CqlSession one = CLUSTER.session(node)) {
            return one.execute("SELECT * FROM system_views.pending_hints").all().isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private long storedAtOne(CqlSession session, List<Order> produced) {
        var select = session.prepare("SELECT order_id FROM " + keyspace + ".orders WHERE order_id IN ?");
        List<Long> ids = produced.stream().map(Order::orderId).toList();
        long found = 0;
        for (List<Long> chunk : LocalStores.inClauses(ids)) {
            List<Row> rows = session.execute(select.bind(chunk).setConsistencyLevel(DefaultConsistencyLevel.ONE)
                    .setTimeout(LocalStores.CQL_TIMEOUT)).all();
            found += rows.size();
        }
        return found;
    }

    private void assertExactlyStored(List<Order> produced) {
        Map<String, Long> expected = TestOrders.totals(produced);
        await().atMost(SETTLED_WITHIN).untilAsserted(() -> assertThat(stores.aggregates(day)).isEqualTo(expected));
        assertThat(stores.storedOrders(keyspace, produced.get(0).orderId(), produced.size())).isEqualTo(produced.size());
    }

    private static void report(String fault, PauseWatch pauses, int orders) {
        System.out.printf("[cluster] %s: %,d orders exact in both stores, over-count 0, longest pause %.1f s%n", fault,
                orders, pauses.longest().toMillis() / 1000.0);
    }

    private static List<InetSocketAddress> contactPoints() {
        return List.of(LocalCluster.CASSANDRA.split(",")).stream()
                .map(point -> new InetSocketAddress(point.substring(0, point.indexOf(':')),
                        Integer.parseInt(point.substring(point.indexOf(':') + 1))))
                .toList();
    }
}
