package com.salesstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.quarkus.runtime.api.session.QuarkusCqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesstream.LocalKafkaTopics;
import com.salesstream.PipelineMetrics;
import com.salesstream.Retries;
import com.salesstream.SalesConfig;
import com.salesstream.TestAggregates;
import com.salesstream.TestConfig;
import com.salesstream.TestOrders;
import com.salesstream.order.Order;
import com.salesstream.order.OrderCodec;
import com.salesstream.order.Rejection;
import com.salesstream.servers.LocalServers;
import com.salesstream.support.LocalStores;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The whole pipeline against the real local Kafka, Cassandra and MariaDB. */
@QuarkusTest
@WithTestResource(LocalKafkaTopics.class)
class PipelineQuarkusTest {

    /** Orders this test produces get ids from here on, far above the generator's, and a day of their own. */
    private static final Duration STORED_WITHIN = Duration.ofSeconds(60);

    @InjectKafkaCompanion
    KafkaCompanion companion;
    @Inject
    QuarkusCqlSession cassandra;
    @Inject
    Pool mysql;
    @Inject
    OrderCodec codec;
    @Inject
    SalesConfig config;
    @Inject
    MeterRegistry registry;
    @Inject
    PipelineMetrics metrics;
    @Inject
    Retries retries;
    @ConfigProperty(name = "sales.topic")
    String topic;

    @Test
    void everyProducedOrderLandsInCassandraAndInTheAggregatesExactly() {
        LocalDate day = unusedDay();
        List<Order> orders = randomOrders(3_000, day);

        produce(orders.stream().map(this::record).toList());

        await().atMost(STORED_WITHIN).untilAsserted(() -> assertThat(storedOrders(orders)).hasSize(orders.size()));
        assertThat(storedOrders(orders)).containsExactlyInAnyOrderElementsOf(orders);
        await().atMost(STORED_WITHIN).untilAsserted(() -> assertThat(aggregates(day)).isEqualTo(TestOrders.totals(orders)));
        cleanUp(day, orders);
    }

    @Test
    void anOrderLookupThatFailedBeforeTheTableExistedAnswersOnceItDoes() {
        String keyspace = "lookup_" + UUID.randomUUID().toString().substring(0, 8);
        OrderStore store = new OrderStore(Uni.createFrom().item(cassandra), metrics, retries,
                TestConfig.with(Map.of("sales.cassandra.keyspace", keyspace)), LocalServers.CASSANDRA_DATACENTER);
        try {
            assertThatThrownBy(() -> store.find(1).await().atMost(STORED_WITHIN)).as("no keyspace yet")
                    .isInstanceOf(InvalidQueryException.class);

            cassandra.execute(SimpleStatement.newInstance("CREATE KEYSPACE " + keyspace + " WITH replication = "
                    + "{'class': 'SimpleStrategy', 'replication_factor': 1}").setTimeout(LocalStores.CQL_TIMEOUT));
            cassandra.execute(SimpleStatement.newInstance("CREATE TABLE " + keyspace + ".orders (order_id bigint PRIMARY KEY, "
                    + "created_at timestamp, platform_id int, product_id int, quantity int, customer_id int, "
                    + "payment_method text)").setTimeout(LocalStores.CQL_TIMEOUT));

            assertThat(store.find(1).await().atMost(STORED_WITHIN)).as("no such order, and no cached failure").isNull();
        } finally {
            cassandra.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace).setTimeout(LocalStores.CQL_TIMEOUT));
        }
    }

    @Test
    void aBackfillOverTwoHundredDaysIsSavedExactlyDespiteMysqlsPlaceholderLimit() {
        // 200 days x 80 platform/product pairs: about 16,000 rows in one window, 80,000 placeholders in one INSERT.
        LocalDate first = unusedDay();
        List<Order> orders = new ArrayList<>();
        long firstId = TestOrders.Suite.PIPELINE.firstId();
        for (int day = 0; day < 200; day++) {
            orders.addAll(TestOrders.onDay(first.plusDays(day), firstId + orders.size(), 100));
        }

        produce(orders.stream().map(this::record).toList());

        Map<String, Long> expected = orders.stream().collect(Collectors.groupingBy(
                order -> order.createdAt().toLocalDate() + "/" + order.platformId() + "/" + order.productId(),
                Collectors.summingLong(Order::quantity)));
        await().atMost(STORED_WITHIN).untilAsserted(() -> assertThat(aggregates(first, first.plusDays(199))).isEqualTo(expected));
        for (int day = 0; day < 200; day++) {
            LocalDate date = first.plusDays(day);
            cleanUp(date, orders.stream().filter(order -> order.createdAt().toLocalDate().equals(date)).toList());
        }
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicAndTheirNeighboursLand() {
        LocalDate day = unusedDay();
        List<Order> orders = randomOrders(40, day);
        String valid = json(orders.get(0));
        // Each malformed value with the reason it must be dead-lettered for.
        List<Malformed> bad = List.of(
                new Malformed(Rejection.INVALID_JSON, utf8("{\"order_id\": 1,")),
                new Malformed(Rejection.INVALID_JSON, utf8("")),
                new Malformed(Rejection.INVALID_JSON, new byte[] { (byte) 0xC3, (byte) 0x28, (byte) 0xFF }),
                new Malformed(Rejection.INVALID_JSON, utf8(valid + "}")),
                new Malformed(Rejection.MISSING_FIELD, utf8("{\"order_id\":1}")),
                new Malformed(Rejection.MISSING_FIELD, utf8(valid.replaceFirst("\"payment_method\":\"[^\"]+\"", "\"payment_method\":null"))),
                new Malformed(Rejection.WRONG_TYPE, utf8(valid.replaceFirst("\"quantity\":\\d+", "\"quantity\":\"many\""))),
                new Malformed(Rejection.WRONG_TYPE, utf8(valid.replaceFirst("\"order_id\":\\d+", "\"order_id\":1.5"))),
                new Malformed(Rejection.NOT_AN_OBJECT, utf8("[" + valid + "]")),
                new Malformed(Rejection.INVALID_CREATED_AT, utf8(valid.replaceFirst("\"created_at\":\"[^\"]+\"", "\"created_at\":\"yesterday\""))),
                new Malformed(Rejection.INVALID_QUANTITY, codec.encode(withQuantity(orders.get(1), 0))),
                new Malformed(Rejection.INVALID_QUANTITY, codec.encode(withQuantity(orders.get(1), -4))),
                new Malformed(Rejection.INVALID_QUANTITY, codec.encode(withQuantity(orders.get(1), config.orders().maxQuantity() + 1))),
                new Malformed(Rejection.UNKNOWN_PAYMENT_METHOD, utf8(valid.replaceFirst("\"payment_method\":\"[^\"]+\"", "\"payment_method\":\"cash\""))),
                new Malformed(Rejection.UNKNOWN_PLATFORM, utf8(valid.replaceFirst("\"platform_id\":\\d+", "\"platform_id\":99"))),
                new Malformed(Rejection.INVALID_ID, utf8(valid.replaceFirst("\"customer_id\":\\d+", "\"customer_id\":0"))),
                new Malformed(Rejection.OVERSIZED, new byte[config.orders().maxBytes() + 1]),
                new Malformed(Rejection.NULL_VALUE, null));
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Map<String, String> expectedReasons = new HashMap<>();
        for (int i = 0; i < bad.size(); i++) {
            String key = "bad-" + i;
            expectedReasons.put(key, bad.get(i).reason().label());
            records.add(record(orders.get(i)));
            records.add(new ProducerRecord<>(topic, key, bad.get(i).value()));
        }
        orders.subList(bad.size(), orders.size()).forEach(order -> records.add(record(order)));

        double countedBefore = deadLettered();
        produce(records);

        List<ConsumerRecord<String, String>> deadLetters = companion.consumeStrings()
                .fromTopics(topic + ".dlq", bad.size()).awaitCompletion(STORED_WITHIN).getRecords();
        assertThat(deadLetters).hasSize(bad.size()).allSatisfy(dead -> {
            assertThat(header(dead, DeadLetters.REASON)).isEqualTo(expectedReasons.get(dead.key()));
            assertThat(header(dead, DeadLetters.TOPIC)).isEqualTo(topic);
            assertThat(header(dead, DeadLetters.PARTITION)).containsOnlyDigits();
            assertThat(header(dead, DeadLetters.OFFSET)).containsOnlyDigits();
            assertThat(header(dead, DeadLetters.CAUSE)).isNotBlank();
        });
        assertThat(deadLetters).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
        // Counted once the broker acknowledged the dead letter: the consumer above may see it a moment earlier.
        await().atMost(STORED_WITHIN).untilAsserted(() -> assertThat(deadLettered() - countedBefore).isEqualTo(bad.size()));
        await().atMost(STORED_WITHIN).untilAsserted(() -> assertThat(storedOrders(orders)).hasSize(orders.size()));
        await().atMost(STORED_WITHIN).untilAsserted(() -> assertThat(aggregates(day)).isEqualTo(TestOrders.totals(orders)));
        cleanUp(day, orders);
    }

    @Test
    void generatedOrdersFollowTheSpec() throws Exception {
        List<ConsumerRecord<String, String>> generated = companion.consumeStrings()
                .fromTopics(topic, records -> records
                        .filter(record -> record.key() != null && record.key().matches("\\d{1,15}"))
                        .select().first(30))
                .awaitCompletion(STORED_WITHIN).getRecords();

        ObjectMapper mapper = new ObjectMapper();
        Map<Integer, Long> lastIdPerPartition = new HashMap<>();
        for (ConsumerRecord<String, String> record : generated) {
            JsonNode json = mapper.readTree(record.value());
            assertThat(json.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("order_id",
                    "created_at", "platform_id", "product_id", "quantity", "customer_id", "payment_method");
            assertThat(json.get("order_id").isIntegralNumber()).isTrue();
            assertThat(record.key()).isEqualTo(json.get("order_id").asText());
            assertThat(json.get("created_at").asText()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
            assertThat(json.get("platform_id").asInt()).isBetween(1, 4);
            assertThat(json.get("product_id").asInt()).isBetween(1, 20);
            assertThat(json.get("quantity").asInt()).isBetween(1, 10);
            assertThat(json.get("customer_id").asInt()).isBetween(1, 1000);
            assertThat(json.get("payment_method").asText()).isIn(Order.PAYMENT_METHODS);
            Order order = codec.decode(record.value().getBytes(StandardCharsets.UTF_8));
            assertThat(order.createdAt()).isBetween(LocalDateTime.now(ZoneOffset.UTC).minusMinutes(5),
                    LocalDateTime.now(ZoneOffset.UTC).plusSeconds(1));
            Long previous = lastIdPerPartition.put(record.partition(), order.orderId());
            if (previous != null) {
                assertThat(order.orderId()).as("ids grow in each partition").isGreaterThan(previous);
            }
        }
    }

    private double deadLettered() {
        return registry.find("sales.orders.dead.lettered").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** A Kafka value that is not a valid order, and why. */
    private record Malformed(Rejection reason, byte[] value) {
    }

    private static LocalDate unusedDay() {
        return TestOrders.Suite.PIPELINE.randomDay();
    }

    private static List<Order> randomOrders(int count, LocalDate day) {
        return TestOrders.onDay(day, TestOrders.Suite.PIPELINE.firstId(), count);
    }

    private static Order withQuantity(Order order, int quantity) {
        return new Order(order.orderId(), order.createdAt(), order.platformId(), order.productId(), quantity,
                order.customerId(), order.paymentMethod());
    }

    private ProducerRecord<String, byte[]> record(Order order) {
        return new ProducerRecord<>(topic, Long.toString(order.orderId()), codec.encode(order));
    }

    private void produce(List<ProducerRecord<String, byte[]>> records) {
        companion.<String, byte[]> produceWithSerializers(new StringSerializer(), new ByteArraySerializer())
                .fromRecords(records).awaitCompletion(STORED_WITHIN);
    }

    private List<Order> storedOrders(List<Order> orders) {
        List<Order> stored = new ArrayList<>();
        var select = cassandra.prepare("SELECT * FROM " + config.cassandra().keyspace() + ".orders WHERE order_id IN ?");
        for (List<Long> ids : LocalStores.inClauses(orders.stream().map(Order::orderId).toList())) {
            for (Row row : cassandra.execute(select.bind(ids).setTimeout(LocalStores.CQL_TIMEOUT))) {
                stored.add(new Order(row.getLong("order_id"),
                        LocalDateTime.ofInstant(row.getInstant("created_at"), ZoneOffset.UTC),
                        row.getInt("platform_id"), row.getInt("product_id"), row.getInt("quantity"),
                        row.getInt("customer_id"), row.getString("payment_method")));
            }
        }
        return stored;
    }

    /** platform_id/product_id -> quantity summed over the day's rows, as the SPEC's exactness rule reads them. */
    private Map<String, Long> aggregates(LocalDate day) {
        Map<String, Long> sums = new HashMap<>();
        mysql.preparedQuery("SELECT platform_id, product_id, SUM(total_quantity) FROM aggregated_sales "
                + "WHERE order_date = ? GROUP BY platform_id, product_id").execute(Tuple.of(day))
                .await().atMost(Duration.ofSeconds(10))
                .forEach(row -> sums.put(row.getInteger(0) + "/" + row.getInteger(1), row.getLong(2)));
        return sums;
    }

    /** date/platform_id/product_id -> quantity summed over the rows of the days from .. to. */
    private Map<String, Long> aggregates(LocalDate from, LocalDate to) {
        Map<String, Long> sums = new HashMap<>();
        mysql.preparedQuery("SELECT order_date, platform_id, product_id, SUM(total_quantity) FROM aggregated_sales "
                + "WHERE order_date BETWEEN ? AND ? GROUP BY order_date, platform_id, product_id").execute(Tuple.of(from, to))
                .await().atMost(Duration.ofSeconds(10))
                .forEach(row -> sums.put(row.getLocalDate(0) + "/" + row.getInteger(1) + "/" + row.getInteger(2), row.getLong(3)));
        return sums;
    }

    private void cleanUp(LocalDate day, List<Order> orders) {
        TestAggregates.deleteDay(mysql, day);
        cassandra.execute(cassandra.prepare("DELETE FROM " + config.cassandra().keyspace() + ".orders WHERE order_id IN ?")
                .bind(orders.stream().map(Order::orderId).toList()).setTimeout(LocalStores.CQL_TIMEOUT));
    }

    private String json(Order order) {
        return new String(codec.encode(order), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return KafkaCompanion.getHeader(record.headers(), name);
    }
}
