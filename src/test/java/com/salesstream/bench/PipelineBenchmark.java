package com.salesstream.bench;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.salesstream.TestOrders;
import com.salesstream.order.Order;
import com.salesstream.support.LocalStores;
import com.salesstream.support.OrderFeed;
import com.salesstream.support.ServiceProcess;
import com.salesstream.servers.LocalCluster;
import com.salesstream.servers.LocalServers;

/**
 * The performance figures of docs/BENCHMARKS.md, in one run on the local servers ({@code bin/benchmark [N]}):
 * <ol>
 * <li>the raw Cassandra write limit: prepared single-row async inserts, 256 in flight, from this JVM, for 30 s after
 * a warm-up pass of N;</li>
 * <li>throughput: N orders preloaded into a fresh topic, the packaged service started on them with its default
 * (one-minute) window; seconds until the last order is in Cassandra (its write time) and until the MySQL totals are
 * exact, the gap between the two, and the time from process start to the first stored row;</li>
 * <li>latency: orders produced at 1,000/s and 5,000/s for 60 s each; produce-to-Cassandra latency from the
 * Cassandra write time, and how long after the last order the aggregates are complete;</li>
 * <li>the service's peak RSS over the whole run.</li>
 * </ol>
 * Not a test: it prints figures. {@code bin/benchmark N --throughput-only} skips the latency phases,
 * {@code --latency-only} the raw and throughput phases; {@code --instances K} runs the throughput phase with K
 * instances on one consumer group: the second and later join one second apart once the first row is stored, the
 * last one leaves (SIGTERM) three seconds after that, and each instance's share is printed. {@code --cluster} then runs
 * the same on the local cluster (three brokers, three Cassandra nodes, replication 3, the service at LOCAL_QUORUM),
 * latency at 1,000 orders/s only. Each measured phase starts once Cassandra has no compaction left from the one
 * before.
 */
public final class PipelineBenchmark {

    private static final String KEYSPACE = "sales_bench";
    private static final int PARTITIONS = 4;
    private static final int RAW_IN_FLIGHT = 256;
    private static final Duration RAW_PHASE = Duration.ofSeconds(30);
    private static final Duration LATENCY_PHASE = Duration.ofSeconds(60);
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final int LATENCY_SAMPLES = 20_000;
    private static final List<Integer> LATENCY_RATES = List.of(1_000, 5_000);
    /** The latency target at 5,000 orders/s (p99): where in the phase the orders above it were sent is printed. */
    private static final Duration SLOW = Duration.ofMillis(100);
    /** How often completion is checked: often enough for the figures, seldom enough not to load the machine. */
    private static final Duration POLL = Duration.ofMillis(50);

    private final BenchTarget target;
    private final LocalStores stores;
    private final CqlSession cassandra;
    private final String topic = "sales_orders_bench_" + System.currentTimeMillis();
    private long nextId = TestOrders.Suite.BENCHMARK.firstId();
    private final List<LocalDate> days = new ArrayList<>();

    private PipelineBenchmark(BenchTarget target) {
        this.target = target;
        this.stores = target.stores();
        this.cassandra = stores.cassandra();
    }

    public static void main(String[] args) throws Exception {
        List<String> options = List.of(args);
        int count = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 200_000;
        int instances = options.contains("--instances") ? Integer.parseInt(options.get(options.indexOf("--instances") + 1)) : 1;
        boolean throughput = !options.contains("--latency-only");
        boolean latency = !options.contains("--throughput-only");
        new PipelineBenchmark(BenchTarget.singleNodes()).run(count, throughput, latency ? LATENCY_RATES : List.of(), instances);
        if (options.contains("--cluster")) {
            // Beside the single nodes' figures of the same run; at replication 3 on 2 cores, 1,000 orders/s is the rate.
            LocalCluster.ofThisProject().start();
            new PipelineBenchmark(BenchTarget.cluster()).run(count, throughput, latency ? List.of(1_000) : List.of(), instances);
        }
    }

    private void run(int count, boolean throughput, List<Integer> latencyRates, int instances) throws Exception {
        System.out.printf("%n######## %s ########%n", target.name());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", target.kafka()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) target.replication()))).all().get();
            try {
                // A fresh keyspace: the service's first start creates its table, as a real first start does.
                cassandra.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + KEYSPACE)
                        .setTimeout(Duration.ofMinutes(1)));
                // Schema changes wait for every node's agreement: on the cluster, longer than the driver's 2 s.
                cassandra.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE + " WITH "
                        + "replication = {'class': 'NetworkTopologyStrategy', '" + LocalServers.CASSANDRA_DATACENTER + "': "
                        + target.replication() + "}").setTimeout(Duration.ofMinutes(1)));
                double rawLimit = throughput ? rawCassandraLimit(count) : 0;
                List<Order> preloaded = throughput ? orders(count) : List.of();
                try (OrderFeed feed = OrderFeed.start(target.kafka(), topic, preloaded, Integer.MAX_VALUE)) {
                    feed.awaitSent(TIMEOUT);
                }
                System.out.printf("preloaded %,d orders into %s (%d partitions)%n", preloaded.size(), topic, PARTITIONS);
                awaitNoCompaction();

                try (ServiceProcess service = ServiceProcess.start("benchmark-service", serviceConfig())) {
                    if (throughput) {
                        throughput(service, preloaded, rawLimit, instances);
                    }
                    for (int rate : latencyRates) {
                        awaitNoCompaction();
                        latency(service, rate);
                    }
                    System.out.printf("%n== Memory%nservice peak RSS         %8d MB (JVM options: %s)%n",
                            service.peakRssKb() / 1024, System.getenv().getOrDefault("SERVICE_JAVA_OPTS",
                                    "src/main/jvm/jvm.options"));
                    service.stop(Duration.ofSeconds(30));
                }
            } finally {
                admin.deleteTopics(List.of(topic, topic + ".dlq"));
                for (LocalDate day : days) {
                    stores.deleteAggregates(day);
                }
                cassandra.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + KEYSPACE)
                        .setTimeout(Duration.ofMinutes(1)));
                stores.close();
            }
        }
    }

    private Map<String, String> serviceConfig() {
        Map<String, String> config = new HashMap<>(target.serviceConfig());
        config.putAll(Map.of("sales.topic", topic, "sales.pipeline.group-id", "bench-" + topic,
                "sales.generator.enabled", "false", "sales.cassandra.keyspace", KEYSPACE));
        return config;
    }

    /**
     * Time to the first stored row and to exact totals of the preloaded orders; called as the service starts. More
     * instances join and one leaves meanwhile (see the class comment).
     */
    private void throughput(ServiceProcess service, List<Order> preloaded, double rawLimit, int instances) throws Exception {
        ProcessCpu cpu = new ProcessCpu(service.pid(), target.serverPids());
        long started = System.nanoTime();
        long startedMillis = System.currentTimeMillis();
        long firstRow = waitUntil(service, this::anyStored);
        List<ServiceProcess> all = new ArrayList<>(List.of(service));
        try {
            for (int instance = 2; instance <= instances; instance++) {
                Thread.sleep(1_000);
                all.add(ServiceProcess.start("benchmark-service-" + instance, serviceConfig()));
            }
            for (ServiceProcess member : all) {
                waitUntil(member, member::isReady);
            }
            ServiceProcess leaving = instances > 1 ? all.get(all.size() - 1) : null;
            if (leaving != null) {
                Thread.sleep(3_000);
                System.out.printf("instance %d leaves after %,.0f orders%n", instances, leaving.metric("sales_orders_consumed_total"));
                leaving.stop(Duration.ofSeconds(30));
            }
            waitUntil(service, exact(preloaded));
            long exactMillis = System.currentTimeMillis();
            // Read before the checks below, whose Cassandra reads would count as the pipeline's.
            String cpuPerThousand = cpu.perThousand(preloaded.size());
            String serviceThreads = cpu.serviceThreads(6);
            double seconds = (exactMillis - startedMillis) / 1000.0;
            double lastRow = (lastWriteMillis(preloaded) - startedMillis) / 1000.0;
            int count = preloaded.size();
            System.out.printf("%n== Throughput: %,d preloaded orders, default window%n", count);
            System.out.printf("first row stored         %8.2f s after the service process started%n", seconds(started, firstRow));
            System.out.printf("all in Cassandra         %8.2f s (last write time; %,d of %,d rows)%n", lastRow,
                    stores.storedOrders(KEYSPACE, preloaded.get(0).orderId(), count), count);
            System.out.printf("MySQL totals exact       %8.2f s, %.2f s after the last Cassandra row%n", seconds, seconds - lastRow);
            System.out.printf("end-to-end throughput    %,8.0f orders/s = %.0f %% of the raw Cassandra limit (%,.0f writes/s)%n",
                    count / seconds, 100 * count / seconds / rawLimit, rawLimit);
            System.out.println(cpuPerThousand);
            System.out.println(serviceThreads);
            for (int instance = 1; instance <= all.size(); instance++) {
                ServiceProcess member = all.get(instance - 1);
                if (member != leaving) {
                    System.out.printf("instance %d: %,.0f orders consumed (re-reads included), peak RSS %d MB%n", instance,
                            member.metric("sales_orders_consumed_total"), member.peakRssKb() / 1024);
                }
            }
        } finally {
            // Also when a step fails: an instance left running would load the servers of whatever runs next.
            for (ServiceProcess member : all.subList(1, all.size())) {
                member.close();
            }
        }
    }

    /** Waits until Cassandra runs no compaction, so that a phase does not pay for the one before. */
    private void awaitNoCompaction() throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + TIMEOUT.toNanos();
        while (!cassandra.execute("SELECT kind FROM system_views.sstable_tasks").all().isEmpty()
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        System.out.printf("(waited %.1f s for Cassandra's compactions)%n", seconds(started, System.nanoTime()));
    }

    /**
     * Prepared async inserts, at most RAW_IN_FLIGHT at a time: {@code count} orders to warm up this JVM and
     * Cassandra, then as many as go in RAW_PHASE; writes per second of that phase.
     */
    private double rawCassandraLimit(int count) throws Exception {
        cassandra.execute("CREATE TABLE IF NOT EXISTS " + KEYSPACE + ".raw_orders (order_id bigint PRIMARY KEY, "
                + "created_at timestamp, platform_id int, product_id int, quantity int, customer_id int, payment_method text)");
        PreparedStatement insert = cassandra.prepare("INSERT INTO " + KEYSPACE + ".raw_orders (order_id, created_at, "
                + "platform_id, product_id, quantity, customer_id, payment_method) VALUES (?, ?, ?, ?, ?, ?, ?)");
        Semaphore inFlight = new Semaphore(RAW_IN_FLIGHT);
        long warmUp = System.nanoTime();
        long written = 0;
        long started = 0;
        long deadline = Long.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            for (Order order : TestOrders.onDay(TestOrders.Suite.BENCHMARK.randomDay(), nextId += count, count)) {
                inFlight.acquire();
                cassandra.executeAsync(insert.bind(order.orderId(), order.createdAt().toInstant(ZoneOffset.UTC),
                        order.platformId(), order.productId(), order.quantity(), order.customerId(),
                        order.paymentMethod()).setIdempotent(true)).whenComplete((result, failure) -> inFlight.release());
                written++;
            }
            if (started == 0) {
                inFlight.acquire(RAW_IN_FLIGHT);
                inFlight.release(RAW_IN_FLIGHT);
                System.out.printf("raw Cassandra warm-up: %,d inserts in %.1f s%n", count, seconds(warmUp, System.nanoTime()));
                started = System.nanoTime();
                deadline = started + RAW_PHASE.toNanos();
                written = 0;
            }
        }
        inFlight.acquire(RAW_IN_FLIGHT);
        double best = written / seconds(started, System.nanoTime());
        System.out.printf("raw Cassandra limit: prepared single-row async inserts, %d in flight, %d s warm: %,.0f writes/s%n",
                RAW_IN_FLIGHT, RAW_PHASE.toSeconds(), best);
        // Its rows would otherwise keep Cassandra compacting while the pipeline is measured.
        cassandra.execute(SimpleStatement.newInstance("DROP TABLE " + KEYSPACE + ".raw_orders")
                .setTimeout(Duration.ofMinutes(1)));
        return best;
    }

    /** Orders at a fixed rate for LATENCY_PHASE; latency percentiles from the Cassandra write time. */
    private void latency(ServiceProcess service, int rate) throws Exception {
        waitUntil(service, service::isReady);
        List<Order> orders = orders((int) (rate * LATENCY_PHASE.toSeconds()));
        ProcessCpu cpu = new ProcessCpu(service.pid(), target.serverPids());
        long[] sentAt;
        try (OrderFeed feed = OrderFeed.start(target.kafka(), topic, orders, rate)) {
            feed.awaitSent(TIMEOUT);
            sentAt = feed.sentAtMillis();
        }
        long lastSent = sentAt[sentAt.length - 1];
        waitUntil(service, exact(orders));
        double aggregatesAfter = (System.currentTimeMillis() - lastSent) / 1000.0;
        String cpuPerThousand = cpu.perThousand(orders.size());

        PreparedStatement writeTime = cassandra.prepare("SELECT order_id, WRITETIME(quantity) FROM " + KEYSPACE
                + ".orders WHERE order_id IN ?");
        int step = Math.max(1, orders.size() / LATENCY_SAMPLES);
        long firstId = orders.get(0).orderId();
        List<Long> sampled = new ArrayList<>();
        for (int i = 0; i < orders.size(); i += step) {
            sampled.add(orders.get(i).orderId());
        }
        long[] latencies = new long[sampled.size()];
        int n = 0;
        // Where in the phase the tail is: warm-up, a minute's window save, or spread out.
        Map<Long, Integer> slowBySecond = new TreeMap<>();
        for (List<Long> ids : LocalStores.inClauses(sampled)) {
            for (Row row : cassandra.execute(writeTime.bind(ids))) {
                long sent = sentAt[(int) (row.getLong(0) - firstId)];
                latencies[n] = row.getLong(1) / 1000 - sent;
                if (latencies[n++] > SLOW.toMillis()) {
                    slowBySecond.merge((sent - sentAt[0]) / 1000, 1, Integer::sum);
                }
            }
        }
        Arrays.sort(latencies, 0, n);
        System.out.printf("%n== Latency at %,d orders/s for %d s (%,d of %,d orders sampled)%n", rate,
                LATENCY_PHASE.toSeconds(), n, orders.size());
        System.out.printf("produce -> Cassandra      p50 %d ms, p99 %d ms, p99.9 %d ms, max %d ms%n",
                percentile(latencies, n, 50), percentile(latencies, n, 99), percentile(latencies, n, 99.9), latencies[n - 1]);
        System.out.printf("sampled over %d ms        %s (second of the phase=orders)%n", SLOW.toMillis(), slowBySecond);
        System.out.printf("aggregates complete      %.2f s after the last order (default window)%n", aggregatesAfter);
        System.out.println(cpuPerThousand);
    }

    private List<Order> orders(int count) {
        LocalDate day = TestOrders.Suite.BENCHMARK.randomDay();
        days.add(day);
        List<Order> orders = TestOrders.onDay(day, nextId, count);
        nextId += count;
        return orders;
    }

    /** Whether MySQL holds the exact totals of the orders; they are summed once, not on every check. */
    private Check exact(List<Order> orders) {
        Map<String, Long> expected = TestOrders.totals(orders);
        LocalDate day = orders.get(0).createdAt().toLocalDate();
        return () -> expected.equals(stores.aggregates(day));
    }

    /** The latest Cassandra write time of these orders, in epoch milliseconds. */
    private long lastWriteMillis(List<Order> orders) {
        PreparedStatement writeTime = cassandra.prepare("SELECT WRITETIME(quantity) FROM " + KEYSPACE + ".orders WHERE order_id IN ?");
        long last = 0;
        for (List<Long> ids : LocalStores.inClauses(orders.stream().map(Order::orderId).toList())) {
            for (Row row : cassandra.execute(writeTime.bind(ids).setTimeout(LocalStores.CQL_TIMEOUT))) {
                last = Math.max(last, row.getLong(0) / 1000);
            }
        }
        return last;
    }

    private boolean anyStored() {
        try {
            return cassandra.execute("SELECT order_id FROM " + KEYSPACE + ".orders LIMIT 1").one() != null;
        } catch (DriverException tableNotCreatedYet) {
            return false;
        }
    }

    private static long percentile(long[] sorted, int n, double percent) {
        return sorted[Math.min(n - 1, (int) Math.ceil(percent / 100 * n) - 1)];
    }

    interface Check {
        boolean done() throws Exception;
    }

    private static long waitUntil(ServiceProcess service, Check check) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!check.done()) {
            if (!service.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("The service " + (service.isAlive() ? "did not finish in " + TIMEOUT
                        : "exited") + "; see " + service.log().toAbsolutePath());
            }
            Thread.sleep(POLL.toMillis());
        }
        return System.nanoTime();
    }

    private static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }
}
