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
import org.apache.kafka.clients.admin.ListTopicsOptions;
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
import com.salesstream.support.TestTopics;

/**
 * The pipeline's promises on a real cluster (three Kafka brokers at replication 3 and min ISR 2, three Cassandra nodes
 * at replication 3 and LOCAL_QUORUM), while nodes are killed, paused and stopped under load: every produced order in
 * Cassandra (read at QUORUM), MySQL's sums exact per product and day, nothing counted twice. Each test prints how
 * long the pipeline paused. MySQL stays the single local MariaDB.
 */
class ClusterIT {

    private static final LocalCluster CLUSTER = LocalCluster.ofThisProject();
    private static final int PARTITIONS = 4;
    /**
     * RF 3 on 2 cores is CPU-bound at a few hundred orders a second; 200 leaves room to catch up after a fault (at 300,
     * a broker restarted on a slow CI machine took over 90 s to rejoin).
     */
    private static final int RATE = 200;
    /** More orders than the feed sends during any fault at {@link #RATE} (10 minutes): load lasts the whole fault. */
    private static final int FEED_CAP = 120_000;
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
        TestTopics.delete(LocalCluster.KAFKA, topic, List.of(group));
        admin.close();
        stores.deleteAggregates(day);
        stores.cassandra().execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace)
                .setTimeout(LocalStores.CQL_TIMEOUT));
        stores.close();
    }

    @Test
    void theBrokerLeadingThePartitionsKilledThenTheActiveControllerThenTwoBouncesLoseNothing() throws Exception {
        underLoad("leader", 1, services -> {
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

            // Two bounces: the rolling restart and the coordinator's test restart brokers too, and CI has 40 minutes.
            for (int bounce = 1; bounce <= 2; bounce++) {
                String chased = leaderOfPartitionZero();
                CLUSTER.kill(chased);
                CLUSTER.start(chased);
                awaitFullyReplicated();
            }
            return "leader " + leader + " then controller " + controller + " SIGKILLed for 30 s, two bounces";
        });
    }

    @Test
    void aRollingCleanRestartOfTheBrokersLosesNothing() throws Exception {
        underLoad("rolling", 1, services -> {
            for (String broker : LocalCluster.KAFKA_NODES) {
                CLUSTER.restart(broker);
                awaitFullyReplicated();
                awaitProgress();
            }
            return "rolling clean restart of the three brokers";
        });
    }

    @Test
    void theGroupCoordinatorBouncedUnderTwoInstancesLosesNothing() throws Exception {
        underLoad("coordinator", 2, services -> {
            String coordinator = "kafka-" + admin.describeConsumerGroups(List.of(group)).all().get().get(group)
                    .coordinator().id();
            CLUSTER.kill(coordinator);
            CLUSTER.start(coordinator);
            awaitFullyReplicated();
            awaitProgress();
            assertThat(services).as("instances live").allMatch(ServiceProcess::isLive);
            return "group coordinator " + coordinator + " SIGKILLed and restarted under two instances";
        });
    }

    @Test
    void twoOfThreeBrokersDownForAMinuteLoseNothingAndThePipelineResumesAlone() throws Exception {
        underLoad("two-brokers", 1, services -> {
            ServiceProcess service = services.get(0);
            CLUSTER.kill("kafka-2");
            CLUSTER.kill("kafka-3");
            long downAt = System.nanoTime();
            // Below min ISR and without a controller quorum: the feed's sends are refused or time out and are
            // retried; the survivor still names the dead leaders, and the service cannot consume.
            await().atMost(OUTAGE).until(() -> !service.isReady());
            System.out.printf("[cluster] two brokers down: readiness DOWN after %.1f s: %s%n",
                    (System.nanoTime() - downAt) / 1e9, service.health("ready"));
            FaultRun.lastsUntil(downAt, OUTAGE);
            assertThat(service.isLive()).isTrue();
            CLUSTER.start("kafka-2");
            CLUSTER.start("kafka-3");
            await().atMost(SETTLED_WITHIN).until(service::isReady);
            awaitProgress();
            return "two of three brokers SIGKILLed for 60 s";
        });
    }

    @Test
    void anInstanceKilledWhileABrokerAndACassandraNodeAreDownLosesNothing() throws Exception {
        underLoad("instance-kill", 2, services -> {
            String broker = leaderOfPartitionZero();
            CLUSTER.kill(broker);
            CLUSTER.kill("cassandra-3");
            awaitProgress();
            services.get(0).kill();
            // The other instance takes the killed one's partitions from their stored offsets, on what is left.
            awaitProgress();
            CLUSTER.start(broker);
            CLUSTER.start("cassandra-3");
            assertThat(services.get(1).isLive()).isTrue();
            return "an instance SIGKILLed with " + broker + " and cassandra-3 down";
        });
    }

    @Test
    void oneCassandraNodeKilledUnderLoadHoldsEveryRowAfterARepair() throws Exception {
        String lost = "cassandra-2";
        List<Order> produced = underLoad("cassandra-kill", 1, services -> {
            CLUSTER.kill(lost);
            // Writes go on at LOCAL_QUORUM with two of three replicas.
            awaitProgress();
            Thread.sleep(Duration.ofSeconds(30).toMillis());
            assertThat(services.get(0).isLive()).isTrue();
            CLUSTER.start(lost);
            return lost + " SIGKILLed for 30 s";
        });
        // Hints alone do not make the returned node whole: read at ONE with the others stopped once no hint had been
        // pending for 25 s, it lacked 29 of 32,094 rows (2026-12-05; 20 of 46,778 the day before; not traced, most
        // likely writes in flight as it died that left no hint). A full repair does, as operators run after a loss.
        CLUSTER.repair(lost, keyspace);
        LocalCluster.CASSANDRA_NODES.stream().filter(node -> !node.equals(lost)).forEach(CLUSTER::stop);
        try (CqlSession alone = CLUSTER.session(lost)) {
            long held = storedAtOne(alone, produced);
            System.out.printf("[cluster] %s alone, read at ONE after a repair: %,d of %,d rows%n", lost, held,
                    produced.size());
            assertThat(held).as("rows the returned node holds alone").isEqualTo(produced.size());
        }
    }

    @Test
    void twoOfThreeCassandraNodesDownDowngradeNoWriteAndThePipelineResumesAlone() throws Exception {
        underLoad("two-cassandra", 1, services -> {
            ServiceProcess service = services.get(0);
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
            return "two of three Cassandra nodes SIGKILLed";
        });
    }

    @Test
    void aCassandraNodeFrozenWithSigstopHoldsNoBatch() throws Exception {
        underLoad("sigstop", 1, services -> {
            CLUSTER.pause("cassandra-3");
            long frozenAt = System.nanoTime();
            // A gray failure: the node keeps its sockets open and answers nothing. The pipeline goes on without it.
            awaitProgress();
            awaitProgress();
            assertThat(services.get(0).isLive()).isTrue();
            FaultRun.lastsUntil(frozenAt, Duration.ofSeconds(30));
            CLUSTER.resume("cassandra-3");
            return "cassandra-3 SIGSTOPped for 30 s";
        });
    }

    @Test
    void threeInstancesStartedTogetherOnAnEmptyKeyspaceMakeOneTableThatSurvivesARollingRestart() throws Exception {
        List<Order> orders = orders(6_000);
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

    /** A fault struck while orders flow through the given instances; says what it did, for the report. */
    private interface Fault {
        String strike(List<ServiceProcess> services) throws Exception;
    }

    /**
     * Feeds orders at {@link #RATE} to {@code instances} instances of the service, strikes the fault once they
     * progress, stops the feed (which must not have run dry: a check of progress after a dry feed fails for the wrong
     * reason), checks every produced order in both stores (liveness of the instances still running included) and
     * prints the longest pause. Returns the orders produced.
     */
    private List<Order> underLoad(String name, int instances, Fault fault) throws Exception {
        List<Order> orders = orders(FEED_CAP);
        List<ServiceProcess> services = new ArrayList<>();
        try (OrderFeed feed = OrderFeed.start(LocalCluster.KAFKA, topic, orders, RATE)) {
            for (int instance = 1; instance <= instances; instance++) {
                services.add(ServiceProcess.start("it-cluster-" + name + "-" + instance, serviceConfig()));
            }
            for (ServiceProcess service : services) {
                await().atMost(SETTLED_WITHIN).until(service::isReady); // the schema migrated, the pipeline running
            }
            try (PauseWatch pauses = PauseWatch.of(services)) {
                awaitProgress();
                String struck = fault.strike(services);
                List<Order> produced = orders.subList(0, feed.stop(SETTLED_WITHIN));
                assertThat(produced).as("orders fed until the fault ended: the feed must outlast it")
                        .hasSizeLessThan(FEED_CAP);
                assertExactlyStored(produced);
                assertThat(services.stream().filter(ServiceProcess::isAlive)).as("instances live")
                        .allMatch(ServiceProcess::isLive);
                System.out.printf("[cluster] %s: %,d orders exact in both stores, over-count 0, longest pause %.1f s%n",
                        struck, produced.size(), pauses.longest().toMillis() / 1000.0);
                return produced;
            }
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

    /** No under-replicated partition left, internal topics included: every partition has three in-sync replicas. */
    private void awaitFullyReplicated() {
        await().atMost(SETTLED_WITHIN).until(() -> {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
            return admin.describeTopics(topics).allTopicNames().get().values().stream()
                    .flatMap(description -> description.partitions().stream())
                    .allMatch(partition -> partition.isr().size() == 3);
        });
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

    private static List<InetSocketAddress> contactPoints() {
        return List.of(LocalCluster.CASSANDRA.split(",")).stream()
                .map(point -> new InetSocketAddress(point.substring(0, point.indexOf(':')),
                        Integer.parseInt(point.substring(point.indexOf(':') + 1))))
                .toList();
    }
}
