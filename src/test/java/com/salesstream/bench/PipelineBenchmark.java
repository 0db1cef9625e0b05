package com.salesstream.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.salesstream.TestConfig;
import com.salesstream.TestOrders;
import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;

/**
 * End-to-end throughput: preloads N orders into a fresh topic, starts the packaged service on them and prints how
 * long it takes until every order is in Cassandra and the MySQL aggregates equal the produced totals exactly, the
 * time to the first stored row and the service's peak RSS. Run it with {@code bin/benchmark [N]}.
 */
public final class PipelineBenchmark {

    private static final String KAFKA = "127.0.0.1:9092";
    private static final String MYSQL = "jdbc:mariadb://127.0.0.1:3306/sales";
    private static final String KEYSPACE = "sales_bench";
    private static final int PARTITIONS = 4;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        String password = System.getenv().getOrDefault("SALES_DB_PASSWORD", "sales");
        String run = Long.toString(System.currentTimeMillis());
        String topic = "sales_orders_bench_" + run;
        LocalDate day = TestOrders.randomDay(LocalDate.of(1950, 1, 1));
        Preload preload = preload(topic, day, count);

        try (CqlSession cassandra = CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", 9042))
                .withLocalDatacenter("datacenter1").build();
                Connection mysql = DriverManager.getConnection(MYSQL, "sales", password)) {
            cassandra.execute("DROP KEYSPACE IF EXISTS " + KEYSPACE);
            Path log = Path.of(".local", "benchmark-service.log");
            ProcessBuilder launch = new ProcessBuilder("java", "-jar", "target/quarkus-app/quarkus-run.jar")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            launch.environment().putAll(Map.of("QUARKUS_DATASOURCE_PASSWORD", password,
                    "QUARKUS_HTTP_PORT", "8089",
                    "SALES_TOPIC", topic,
                    "SALES_PIPELINE_GROUP_ID", "bench-" + run,
                    "SALES_GENERATOR_ENABLED", "false",
                    "SALES_CASSANDRA_KEYSPACE", KEYSPACE,
                    // Short windows: the figure is the pipeline's pace, not the window's length.
                    "SALES_PIPELINE_WINDOW", "1s"));
            long started = System.nanoTime();
            Process service = launch.start();
            try {
                double firstRow = seconds(started, waitUntil(service, log, () -> anyStored(cassandra, preload.firstId())));
                double complete = seconds(started, waitUntil(service, log, () -> preload.totals().equals(aggregates(mysql, day))));
                long peakRssKb = peakRssKb(service.pid());
                long stored = storedCount(cassandra, preload.firstId(), count);
                System.out.printf("%n== Pipeline benchmark: %,d orders preloaded in %s (%d partitions)%n", count, topic, PARTITIONS);
                System.out.printf("first row in Cassandra   %8.2f s after the service process started%n", firstRow);
                System.out.printf("all orders stored        %8.2f s (Cassandra rows: %,d of %,d; MySQL totals exact)%n",
                        complete, stored, count);
                System.out.printf("end-to-end throughput    %,8.0f orders/s%n", count / complete);
                System.out.printf("service peak RSS         %8d MB%n", peakRssKb / 1024);
                if (stored != count) {
                    throw new IllegalStateException("Cassandra holds " + stored + " of the " + count + " orders");
                }
            } finally {
                service.destroy();
                service.waitFor();
                try (PreparedStatement delete = mysql.prepareStatement("DELETE FROM aggregated_sales WHERE order_date = ?")) {
                    delete.setObject(1, day);
                    delete.executeUpdate();
                }
                cassandra.execute("DROP KEYSPACE IF EXISTS " + KEYSPACE);
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA))) {
                    admin.deleteTopics(List.of(topic, topic + ".dlq"));
                }
            }
        }
    }

    /** The preloaded orders: ids from firstId on, quantities per platform/product. */
    record Preload(long firstId, Map<String, Long> totals) {
    }

    /** Produces the orders of one day. */
    private static Preload preload(String topic, LocalDate day, int count) throws Exception {
        OrderCodec codec = new OrderCodec(TestConfig.defaults());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long firstId = 8_000_000_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000_000L);
        List<Order> orders = TestOrders.onDay(day, firstId, count);
        long started = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            orders.forEach(order -> producer.send(new ProducerRecord<>(topic, Long.toString(order.orderId()), codec.encode(order))));
        }
        System.out.printf("preloaded %,d orders in %.1f s%n", count, seconds(started, System.nanoTime()));
        return new Preload(firstId, TestOrders.totals(orders));
    }

    private static boolean anyStored(CqlSession cassandra, long firstId) {
        try {
            return storedCount(cassandra, firstId, 500) > 0;
        } catch (DriverException tableNotReadyYet) {
            return false;
        }
    }

    /** Counts the orders with ids firstId to firstId + count - 1 in Cassandra, by primary key. */
    private static long storedCount(CqlSession cassandra, long firstId, int count) {
        com.datastax.oss.driver.api.core.cql.PreparedStatement select = cassandra.prepare("SELECT order_id FROM " + KEYSPACE + ".orders WHERE order_id IN ?");
        long stored = 0;
        for (long from = 0; from < count; from += 100) {
            List<Long> ids = new ArrayList<>();
            for (long id = from; id < Math.min(from + 100, count); id++) {
                ids.add(firstId + id);
            }
            stored += cassandra.execute(select.bind(ids)).all().size();
        }
        return stored;
    }

    private static Map<String, Long> aggregates(Connection mysql, LocalDate day) throws SQLException {
        Map<String, Long> sums = new HashMap<>();
        try (PreparedStatement query = mysql.prepareStatement("SELECT platform_id, product_id, SUM(total_quantity) "
                + "FROM aggregated_sales WHERE order_date = ? GROUP BY platform_id, product_id")) {
            query.setObject(1, day);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    sums.put(rows.getInt(1) + "/" + rows.getInt(2), rows.getLong(3));
                }
            }
        }
        return sums;
    }

    interface Check {
        boolean done() throws Exception;
    }

    private static long waitUntil(Process service, Path log, Check check) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!check.done()) {
            if (!service.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("The service " + (service.isAlive() ? "did not finish in " + TIMEOUT
                        : "exited") + "; see " + log.toAbsolutePath());
            }
            Thread.sleep(20);
        }
        return System.nanoTime();
    }

    private static long peakRssKb(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.startsWith("VmHWM:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElse(-1);
    }

    private static double seconds(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }
}
