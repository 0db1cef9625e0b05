package com.salesstream.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.salesstream.TestConfig;
import com.salesstream.TestOrders;
import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;
import com.salesstream.support.CommitDroppingProxy;
import com.salesstream.support.FaultRun;
import com.salesstream.support.GroupMember;
import com.salesstream.support.LocalStores;
import com.salesstream.support.MysqlAccounts;
import com.salesstream.support.OrderFeed;
import com.salesstream.support.ServiceProcess;
import com.salesstream.support.TestTopics;
import com.salesstream.servers.LocalServers;

import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Issue 10's promise against the packaged service and the real servers: no record, outage or rebalance stops or
 * silently stalls the pipeline. MySQL is made unreachable for one service at a time by locking the account it runs
 * under (MysqlAccounts), never by stopping the server.
 */
class ResilienceIT {

    private static final String KEYSPACE = LocalServers.TEST_KEYSPACE;
    private static final Duration PROGRESS_WITHIN = FaultRun.PROGRESS_WITHIN;
    private static final Duration SETTLED_WITHIN = FaultRun.SETTLED_WITHIN;

    private final LocalStores stores = new LocalStores();
    private final OrderCodec codec = new OrderCodec(TestConfig.defaults());
    private Admin admin;
    private MysqlAccounts account;
    private String run;
    private String topic;
    private String group;
    private LocalDate day;
    /** Every list of consecutive ids this test produced, to check and delete by range. */
    private final List<List<Order>> written = new ArrayList<>();

    @BeforeAll
    static void servers() {
        LocalServers.ofThisProject().start();
    }

    @BeforeEach
    void freshTopicAccountAndDay() throws Exception {
        run = UUID.randomUUID().toString().substring(0, 8);
        topic = "sales_orders_it_" + run;
        group = "sales-it-" + run;
        day = TestOrders.Suite.RESILIENCE.randomDay();
        admin = Admin.create(Map.<String, Object> of("bootstrap.servers", LocalServers.KAFKA));
        account = MysqlAccounts.create("sales_it_" + run);
    }

    @AfterEach
    void cleanUp() throws Exception {
        account.close();
        TestTopics.delete(LocalServers.KAFKA, topic, List.of(group));
        admin.close();
        stores.deleteAggregates(day);
        for (List<Order> orders : written) {
            stores.deleteOrders(KEYSPACE, orders.get(0).orderId(), orders.size());
        }
        stores.close();
    }

    @Test
    void everyHostileRecordCostsOneDeadLetterAndNeverTheChannel() throws Exception {
        createTopic(topic, 4);
        List<Order> valid = orders(600);
        List<Hostile> corpus = corpus(valid.get(0));
        String hugeKey = "bad-key-" + "k".repeat(100_000); // a key too is cut to 4 KiB at poll and in the dead letter
        try (KafkaProducer<String, byte[]> plain = producer("none"); KafkaProducer<String, byte[]> gzip = producer("gzip")) {
            List<Future<?>> sent = new ArrayList<>();
            sent.add(plain.send(new ProducerRecord<>(topic, hugeKey, "{".getBytes(StandardCharsets.UTF_8))));
            for (int i = 0; i < valid.size(); i++) {
                sent.add(plain.send(record(valid.get(i))));
                if (i < corpus.size()) {
                    Hostile bad = corpus.get(i);
                    if (bad.value() != null && bad.value().length > 100_000) {
                        // Alone in its batch: small records appended behind a value this close to the broker's
                        // limit would make the batch too large, and the broker refuse them all.
                        plain.flush();
                        (bad.compressed() ? gzip : plain).send(new ProducerRecord<>(topic, "bad-" + i, bad.value())).get();
                    } else {
                        sent.add((bad.compressed() ? gzip : plain).send(new ProducerRecord<>(topic, "bad-" + i, bad.value())));
                    }
                }
            }
            for (Future<?> send : sent) {
                send.get(); // every record is in the topic, or the test says why not
            }
        }
        Map<String, String> expected = new HashMap<>(Map.of(hugeKey.substring(0, 4096), "invalid-json"));
        for (int i = 0; i < corpus.size(); i++) {
            expected.put("bad-" + i, corpus.get(i).reason());
        }

        try (ServiceProcess service = ServiceProcess.start("it-hostile", serviceConfig());
                LivenessWatch live = new LivenessWatch(service)) {
            List<ConsumerRecord<String, byte[]>> letters = deadLetters(expected.size());
            assertThat(letters).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
            assertThat(letters).allSatisfy(letter -> {
                assertThat(header(letter, "dead-letter-reason")).as(letter.key()).isEqualTo(expected.get(letter.key()));
                assertThat(letter.value().length).as("a dead letter is bounded").isLessThanOrEqualTo(4096);
            });
            assertThat(letters).filteredOn(letter -> header(letter, "dead-letter-original-size") != null)
                    .extracting(letter -> header(letter, "dead-letter-original-size"))
                    .contains("1048400", "900000");
            assertThat(letters).filteredOn(letter -> header(letter, "dead-letter-original-key-size") != null)
                    .extracting(letter -> header(letter, "dead-letter-original-key-size")).containsExactly("100008");
            assertExactlyStored();
            live.assertAlwaysLive();
            assertThat(service.stop(Duration.ofSeconds(30))).isTrue();
        }

        // A restart reads nothing again that a committed window covered: no second dead letter.
        try (ServiceProcess restarted = ServiceProcess.start("it-hostile-restarted", serviceConfig())) {
            List<Order> more = orders(10);
            try (KafkaProducer<String, byte[]> plain = producer("none")) {
                more.forEach(order -> plain.send(record(order)));
            }
            assertExactlyStored();
            assertThat(deadLetterCount()).isEqualTo(expected.size());
        }
    }

    @Test
    void windowsOutliveMysqlRefusingForTwoHundredWindowPeriods() throws Exception {
        createTopic(topic, 4);
        List<Order> orders = orders(15_000);
        Map<String, String> config = serviceConfig();
        config.put("sales.pipeline.window", "100ms");
        try (OrderFeed feed = OrderFeed.start(topic, orders, 500);
                ServiceProcess service = ServiceProcess.start("it-windows", config)) {
            await().atMost(PROGRESS_WITHIN).until(service::isReady);
            try (LivenessWatch live = new LivenessWatch(service)) {
                awaitProgress();
                account.cutOff();
                await().atMost(Duration.ofSeconds(60)).until(() -> !service.isReady());
                Thread.sleep(Duration.ofSeconds(20).toMillis());
                account.restore();
                feed.awaitSent(SETTLED_WITHIN);
                assertExactlyStored();
                live.assertAlwaysLive();
            }
        }
    }

    @Test
    void mysqlUnreachableAcrossARebalanceLosesNothing() throws Exception {
        createTopic(topic, 4);
        List<Order> orders = orders(20_000);
        try (OrderFeed feed = OrderFeed.start(topic, orders, 800);
                ServiceProcess service = ServiceProcess.start("it-rebalance-outage", serviceConfig())) {
            awaitProgress();
            account.cutOff();
            try (GroupMember member = GroupMember.join(topic, group)) {
                Thread.sleep(Duration.ofSeconds(15).toMillis()); // the member takes part of the partitions
            }
            Thread.sleep(Duration.ofSeconds(15).toMillis()); // ... and leaves: they come back while MySQL is away
            account.restore();
            feed.awaitSent(SETTLED_WITHIN);
            assertExactlyStored();
        }
    }

    @Test
    void aSaveHeldByARowLockWhileAMemberJoinsStillCountsEveryOrder() throws Exception {
        createTopic(topic, 4);
        List<Order> orders = orders(20_000);
        try (OrderFeed feed = OrderFeed.start(topic, orders, 1_000);
                ServiceProcess service = ServiceProcess.start("it-row-lock", serviceConfig())) {
            awaitProgress();
            try (AutoCloseable lock = account.lockStoredOffsets(group); GroupMember member = GroupMember.join(topic, group)) {
                Thread.sleep(Duration.ofSeconds(15).toMillis());
            }
            feed.awaitSent(SETTLED_WITHIN);
            assertExactlyStored();
        }
    }

    @Test
    void aCommitWhoseAnswerIsLostIsNotCountedTwiceNorLeftUncounted() throws Exception {
        createTopic(topic, 4);
        List<Order> orders = orders(15_000); // 30 s of orders: the three drops happen while they flow
        try (CommitDroppingProxy proxy = new CommitDroppingProxy(LocalServers.MARIADB_PORT)) {
            Map<String, String> config = serviceConfig();
            config.put("quarkus.datasource.reactive.url", "mysql://127.0.0.1:" + proxy.port() + "/" + LocalServers.TEST_DATABASE);
            try (OrderFeed feed = OrderFeed.start(topic, orders, 500);
                    ServiceProcess service = ServiceProcess.start("it-lost-commit", config)) {
                awaitProgress();
                for (int drop = 1; drop <= 3; drop++) {
                    proxy.arm();
                    int expectedDrops = drop;
                    await().atMost(PROGRESS_WITHIN).until(() -> proxy.dropped() >= expectedDrops);
                    awaitProgress();
                }
                feed.awaitSent(SETTLED_WITHIN);
                assertExactlyStored();
            }
        }
    }

    @Test
    void aBrokerThatCreatesNoTopicStillGetsItsDeadLetterTopic() throws Exception {
        createTopic(topic, 3); // the broker's own default is 4: three partitions mean the service made it
        try (ServiceProcess service = ServiceProcess.start("it-dlq-topic", serviceConfig())) {
            await().atMost(PROGRESS_WITHIN).until(service::isReady);
            assertThat(admin.describeTopics(List.of(topic + ".dlq")).allTopicNames().get().get(topic + ".dlq")
                    .partitions()).hasSize(3);
        }
    }

    @Test
    void theGeneratorResumesByItselfAfterMysqlWasAwayWhenItNeededIds() throws Exception {
        createTopic(topic, 4);
        Map<String, String> config = serviceConfig();
        config.put("sales.generator.enabled", "true");
        config.put("sales.pipeline.enabled", "false");
        config.put("sales.generator.rate-per-second", "200");
        config.put("sales.generator.id-block-size", "100");
        try (ServiceProcess service = ServiceProcess.start("it-generator", config);
                LivenessWatch live = new LivenessWatch(service)) {
            await().atMost(PROGRESS_WITHIN).until(() -> produced() > 200);
            account.cutOff();
            Thread.sleep(Duration.ofSeconds(20).toMillis());
            account.restore();
            long before = produced();
            await().atMost(Duration.ofSeconds(30)).until(() -> produced() > before + 1_000);
            live.assertAlwaysLive();
        }
    }

    @Test
    void aStallTurnsHealthDownWithItsReasonAndAnIdleTopicDoesNot() throws Exception {
        createTopic(topic, 4);
        Map<String, String> config = serviceConfig();
        config.put("sales.pipeline.stall-timeout", "3s");
        config.put("sales.pipeline.stuck-timeout", "8s");
        try (ServiceProcess service = ServiceProcess.start("it-stall", config)) {
            await().atMost(PROGRESS_WITHIN).until(service::isReady);
            // Idle: nothing to read for three times the stall timeout is no stall.
            long idleUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < idleUntil) {
                assertThat(service.isReady()).as("ready while idle").isTrue();
                Thread.sleep(500);
            }
            List<Order> orders = orders(200);
            produce(orders.subList(0, 100));
            await().atMost(PROGRESS_WITHIN).until(() -> total() > 0);

            try (AutoCloseable lock = account.lockStoredOffsets(group)) {
                produce(orders.subList(100, 200));
                await().atMost(Duration.ofSeconds(30)).until(() -> !service.isReady());
                assertThat(service.health("ready")).contains("stalled: a window has not been saved");
                await().atMost(Duration.ofSeconds(30)).until(() -> !service.isLive());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> service.isReady() && service.isLive());
            assertExactlyStored();
        }
    }

    /** A value that is no valid order, the reason it must be dead-lettered for, and whether it travels gzipped. */
    private record Hostile(String reason, byte[] value, boolean compressed) {
        Hostile(String reason, String value) {
            this(reason, value == null ? null : value.getBytes(StandardCharsets.UTF_8), false);
        }
    }

    private List<Hostile> corpus(Order template) {
        String valid = new String(codec.encode(template), StandardCharsets.UTF_8);
        List<Hostile> corpus = new ArrayList<>(List.of(
                new Hostile("invalid-json", "{\"order_id\": 1,"),
                new Hostile("invalid-json", ""),
                new Hostile("invalid-json", new byte[] { (byte) 0xC3, (byte) 0x28, (byte) 0xFF }, false),
                new Hostile("invalid-json", valid + "}"),
                new Hostile("invalid-json", valid.replace("{", "{\"quantity\":3,")),
                new Hostile("not-an-object", "null"),
                new Hostile("not-an-object", "42"),
                new Hostile("not-an-object", "\"an order\""),
                new Hostile("not-an-object", "true"),
                new Hostile("not-an-object", "[" + valid + "]"),
                new Hostile("missing-field", "{\"order_id\":1}"),
                new Hostile("missing-field", replace(valid, "payment_method", "null")),
                new Hostile("wrong-type", replace(valid, "quantity", "\"many\"")),
                new Hostile("wrong-type", replace(valid, "order_id", "1.5")),
                new Hostile("wrong-type", replace(valid, "payment_method", "1")),
                new Hostile("wrong-type", replace(valid, "created_at", "[2026,1,2,3,4,5]")),
                new Hostile("wrong-type", replace(valid, "quantity", "99999999999")),
                new Hostile("invalid-created-at", replace(valid, "created_at", "\"yesterday\"")),
                new Hostile("invalid-created-at", replace(valid, "created_at", "\"2026-02-30 10:00:00\"")),
                new Hostile("invalid-created-at", replace(valid, "created_at", "\"2025-02-29 10:00:00\"")),
                new Hostile("invalid-created-at", replace(valid, "created_at", "\"2026-01-02 24:00:00\"")),
                new Hostile("invalid-created-at", replace(valid, "created_at", "\"+300000000-01-01 00:00:00\"")),
                new Hostile("invalid-created-at", replace(valid, "created_at", "\"0999-12-31 23:59:59\"")),
                new Hostile("invalid-quantity", replace(valid, "quantity", "0")),
                new Hostile("invalid-quantity", replace(valid, "quantity", "-4")),
                new Hostile("invalid-quantity", replace(valid, "quantity", "1000001")),
                new Hostile("unknown-payment-method", replace(valid, "payment_method", "\"cash\"")),
                new Hostile("unknown-platform", replace(valid, "platform_id", "99")),
                new Hostile("unknown-product", replace(valid, "product_id", "21")),
                new Hostile("invalid-id", replace(valid, "customer_id", "0")),
                new Hostile("invalid-id", replace(valid, "order_id", "-5")),
                new Hostile("oversized", valid + " ".repeat(5_000)),
                new Hostile("oversized", pad(valid, 1_048_400), false),
                new Hostile("oversized", pad(valid, 900_000), true),
                new Hostile("null-value", (String) null)));
        return corpus;
    }

    private static String replace(String json, String field, String value) {
        return json.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[^,}]+)", "\"" + field + "\":" + value);
    }

    /** A valid order followed by spaces up to {@code size} bytes: valid JSON, but far too large. */
    private static byte[] pad(String json, int size) {
        byte[] value = new byte[size];
        java.util.Arrays.fill(value, (byte) ' ');
        byte[] order = json.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(order, 0, value, 0, order.length);
        return value;
    }

    private KafkaProducer<String, byte[]> producer(String compression) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalServers.KAFKA,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, compression,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000_000), new StringSerializer(), new ByteArraySerializer());
    }

    private ProducerRecord<String, byte[]> record(Order order) {
        return new ProducerRecord<>(topic, Long.toString(order.orderId()), codec.encode(order));
    }

    private void produce(List<Order> orders) {
        try (KafkaProducer<String, byte[]> plain = producer("none")) {
            orders.forEach(order -> plain.send(record(order)));
        }
    }

    private List<ConsumerRecord<String, byte[]>> deadLetters(int expected) {
        try (KafkaCompanion companion = new KafkaCompanion(LocalServers.KAFKA)) {
            return companion.consumeWithDeserializers(new StringDeserializer(), new ByteArrayDeserializer())
                    .fromTopics(topic + ".dlq", expected).awaitCompletion(SETTLED_WITHIN).getRecords();
        }
    }

    private long deadLetterCount() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic + ".dlq")).allTopicNames().get()
                .get(topic + ".dlq").partitions().stream()
                .collect(Collectors.toMap(info -> new TopicPartition(topic + ".dlq", info.partition()), info -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }

    /** Records in the orders topic: what the generator produced. */
    private long produced() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < 4; partition++) {
            latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }

    private List<Order> orders(int count) {
        List<Order> orders = TestOrders.onDay(day, TestOrders.Suite.RESILIENCE.firstId(), count);
        written.add(orders);
        return orders;
    }

    private Map<String, String> serviceConfig() {
        Map<String, String> config = FaultRun.serviceConfig(topic, group);
        config.putAll(account.serviceProperties());
        return config;
    }

    private void awaitProgress() throws Exception {
        FaultRun.awaitProgress(stores, day);
    }

    private long total() throws Exception {
        return FaultRun.total(stores, day);
    }

    /** The day's aggregates are exactly those of every order produced, and each order is in Cassandra. */
    private void assertExactlyStored() {
        List<Order> produced = written.stream().flatMap(List::stream).toList();
        Map<String, Long> expected = TestOrders.totals(produced);
        await().atMost(SETTLED_WITHIN).untilAsserted(() -> assertThat(stores.aggregates(day)).isEqualTo(expected));
        for (List<Order> orders : written) {
            assertThat(stores.storedOrders(KEYSPACE, orders.get(0).orderId(), orders.size())).isEqualTo(orders.size());
        }
    }

    /** Polls liveness every 200 ms in the background and remembers every answer that was not 200. */
    private static final class LivenessWatch implements AutoCloseable {
        private final AtomicInteger down = new AtomicInteger();
        private final Thread thread;
        private volatile boolean closed;

        LivenessWatch(ServiceProcess service) {
            await().atMost(PROGRESS_WITHIN).until(service::isLive);
            thread = new Thread(() -> {
                while (!closed) {
                    if (!service.isLive()) {
                        down.incrementAndGet();
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "liveness-watch");
            thread.start();
        }

        void assertAlwaysLive() {
            assertThat(down.get()).as("liveness answers that were not UP").isZero();
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            thread.join();
        }
    }
}
