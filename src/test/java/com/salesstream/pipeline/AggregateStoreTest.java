package com.salesstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.salesstream.TestAggregates;
import com.salesstream.PipelineMetrics;
import com.salesstream.Retries;
import com.salesstream.SalesConfig;
import com.salesstream.TestCatalog;
import com.salesstream.TestConfig;
import com.salesstream.catalog.CatalogSnapshot.Product;
import com.salesstream.order.Order;
import com.salesstream.pipeline.StoredOffsets.OffsetConflict;
import com.salesstream.pipeline.WindowStubs.RecordingResync;
import com.salesstream.servers.LocalServers;
import com.salesstream.support.AnswerHoldingProxy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Two attempts of one window's save, against the local MariaDB alone: an attempt given up after mysql-timeout may
 * still reach its move after its retry committed; its fence must be the stored offset known when it began, so it
 * rolls back instead of counting the window twice. A proxy in front of MariaDB holds the slow attempt's answers.
 */
class AggregateStoreTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String TOPIC = "orders";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final long STORED = 42;
    private static final long LAST_OFFSET = 99;
    private static final int QUANTITY = 7;

    private static Vertx vertx;
    private static Pool mysql;

    /** A day of the distant past, the window's only key: no other test writes it. */
    private final LocalDate day = LocalDate.of(1100, 1, 1).plusDays(ThreadLocalRandom.current().nextInt(300_000));
    private final String group = "aggregate-store-test-" + UUID.randomUUID();
    private final PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    private final PartitionAssignments assignments = new PartitionAssignments();
    private AnswerHoldingProxy proxy;
    private Pool slowMysql;

    @BeforeAll
    static void mariadb() {
        MariaDbPools.migrated();
        vertx = Vertx.vertx();
        mysql = MariaDbPools.pool(vertx, LocalServers.MARIADB_PORT);
    }

    @AfterAll
    static void close() {
        mysql.closeAndAwait();
        vertx.closeAndAwait();
    }

    @BeforeEach
    void partitionStoredAt42() throws Exception {
        proxy = new AnswerHoldingProxy(LocalServers.MARIADB_PORT);
        slowMysql = MariaDbPools.pool(vertx, proxy.port());
        mysql.preparedQuery("INSERT INTO consumed_offsets (consumer_group, topic, partition_id, next_offset) VALUES (?, ?, ?, ?)")
                .execute(Tuple.of(group, TOPIC, 0, STORED)).await().atMost(BOUND);
        assignments.assigned(P0, STORED);
    }

    @AfterEach
    void deleteWhatTheTestWrote() throws Exception {
        proxy.close();
        slowMysql.closeAndAwait();
        mysql.preparedQuery("DELETE FROM consumed_offsets WHERE consumer_group = ?").execute(Tuple.of(group)).await().atMost(BOUND);
        TestAggregates.deleteDay(mysql, day);
    }

    @Test
    void anAttemptThatMovesAfterItsRetryCommittedConflictsAndTheWindowCountsOnce() throws Exception {
        WindowTotals window = window();
        AggregateStore slow = store(slowMysql, TestConfig.defaults());
        AggregateStore retry = store(mysql, TestConfig.defaults());
        proxy.holdAnswersAfter("aggregated_sales");

        // Attempt 1 opens its transaction and inserts; MariaDB's answer to it is held.
        CompletableFuture<List<PartitionTotals>> first = slow.saveCurrent(window).subscribeAsCompletionStage();
        proxy.holding().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        // Attempt 2 runs whole and commits.
        assertThat(retry.saveCurrent(window).await().atMost(BOUND)).extracting(totals -> totals.partition).containsExactly(P0);
        assertThat(assignments.storedOffset(P0)).isEqualTo(LAST_OFFSET + 1);
        // Attempt 1 then moves.
        proxy.release();

        assertThatFailsWithOffsetConflict(first);
        assertThat(proxy.heldTransactionEnded().get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("ROLLBACK");
        assertThat(aggregates()).as("rows, quantity").containsExactly(1L, (long) QUANTITY);
        assertThat(storedOffset()).isEqualTo(LAST_OFFSET + 1);
    }

    @Test
    void aConnectionSlowerThanTheMysqlTimeoutRollsBackOnceItsRetryCommitted() throws Exception {
        // The real retry: one store, one pool; the first attempt's connection is held past mysql-timeout. 2 s: the
        // retry prepares its five statements on a new connection (570 ms measured once), and must commit in time.
        AggregateStore store = store(slowMysql, TestConfig.with(Map.of("sales.pipeline.mysql-timeout", "2s",
                "sales.pipeline.min-retry-backoff", "10ms", "sales.pipeline.max-retry-backoff", "20ms")));
        proxy.holdAnswersAfter("aggregated_sales");

        List<PartitionTotals> saved = store.save(window()).await().atMost(BOUND);

        assertThat(proxy.holding()).as("the first attempt was held and given up").isDone();
        assertThat(saved).extracting(totals -> totals.partition).containsExactly(P0);
        proxy.release();
        assertThat(proxy.heldTransactionEnded().get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("ROLLBACK");
        assertThat(aggregates()).as("rows, quantity").containsExactly(1L, (long) QUANTITY);
        assertThat(storedOffset()).isEqualTo(LAST_OFFSET + 1);
    }

    @Test
    void mysqlCountsAnUpdateToTheSameValueAsAMatchedRow() {
        // Why the fence must be taken at the attempt's start: read after the retry committed, it equals the new
        // value, and "UPDATE ... SET next_offset = 100 WHERE next_offset = 100" reports one row (found rows).
        int rows = mysql.preparedQuery("UPDATE consumed_offsets SET next_offset = ? "
                + "WHERE consumer_group = ? AND topic = ? AND partition_id = ? AND next_offset = ?")
                .execute(Tuple.of(STORED, group, TOPIC, 0, STORED)).await().atMost(BOUND).rowCount();

        assertThat(rows).isEqualTo(1);
    }

    @Test
    void aWindowStoresItsMoneyAtTheSalesPricesAndAddsItToEveryRollup() {
        Product ring = TestCatalog.priced(1);
        Product repriced = new Product(1, ring.name(), new BigDecimal("1100.00"), ring.categoryId(), ring.category(),
                ring.margin());
        PartitionTotals totals = new PartitionTotals(P0, assignments.generation(P0));
        totals.add(order(2, 3), ring, STORED);
        totals.add(order(2, 1), repriced, STORED + 1);
        totals.add(order(3, 2), ring, STORED + 2);
        AggregateStore store = store(mysql, TestConfig.defaults());

        store.save(new WindowTotals().add(List.of(totals))).await().atMost(BOUND);

        // 3 x 1,250 + 1 x 1,375 on platform 2, 2 x 1,250 on platform 3; profit is a fifth of each price.
        assertThat(rows("SELECT total_quantity, total_sales, total_profit FROM daily_sales WHERE order_date = ?"))
                .containsExactly(List.of(6L, "7625.0000", "1525.0000"));
        assertThat(rows("SELECT platform_id, category_id, total_quantity, total_sales, total_profit "
                + "FROM daily_platform_category_sales WHERE order_date = ? ORDER BY platform_id")).containsExactly(
                        List.of(2L, 1L, 4L, "5125.0000", "1025.0000"), List.of(3L, 1L, 2L, "2500.0000", "500.0000"));
        assertThat(rows("SELECT product_id, total_quantity, total_sales FROM daily_product_sales WHERE order_date = ?"))
                .containsExactly(List.of(1L, 6L, "7625.0000"));
        assertThat(rows("SELECT total_quantity, total_sales FROM minute_sales WHERE order_date = ?"))
                .containsExactly(List.of(6L, "7625.0000"));
        assertThat(rows("SELECT SUM(total_quantity), SUM(total_sales), SUM(total_profit) FROM aggregated_sales "
                + "WHERE order_date = ?")).containsExactly(List.of(6L, "7625.0000", "1525.0000"));
    }

    @Test
    void aProductDeletedFromTheCatalogAfterItsOrdersWereValidatedIsSavedAllTheSame() {
        int id = 8_000 + ThreadLocalRandom.current().nextInt(1_000);
        mysql.preparedQuery("INSERT INTO dim_product (product_id, product_name, cost_price, category_id) VALUES (?, ?, ?, ?)")
                .execute(Tuple.of(id, "Short-lived Lamp", new BigDecimal("12.50"), 3)).await().atMost(BOUND);
        Product lamp = new Product(id, "Short-lived Lamp", new BigDecimal("12.50"), 3, "Clothing", new BigDecimal("0.15"));
        PartitionTotals totals = new PartitionTotals(P0, assignments.generation(P0));
        totals.add(new Order(1, LocalDateTime.of(day, LocalTime.NOON), 1, id, 3, 1, "paypal"), lamp, STORED);
        mysql.preparedQuery("DELETE FROM dim_product WHERE product_id = ?").execute(Tuple.of(id)).await().atMost(BOUND);

        store(mysql, TestConfig.defaults()).save(new WindowTotals().add(List.of(totals))).await().atMost(BOUND);

        assertThat(rows("SELECT product_id, total_quantity, total_sales, total_profit FROM daily_product_sales "
                + "WHERE order_date = ?")).containsExactly(List.of((long) id, 3L, "43.1250", "5.6250"));
        assertThat(storedOffset()).isEqualTo(STORED + 1);
    }

    @Test
    void theLargestPriceTheCatalogHoldsAtTheLargestQuantitiesIsSavedExactly() {
        // DECIMAL(10,2) cost, DECIMAL(3,2) margin: the dearest product the catalog can hold.
        Product dearest = new Product(1, "Dearest", new BigDecimal("99999999.99"), 1, "Jewelry", new BigDecimal("9.99"));
        PartitionTotals totals = new PartitionTotals(P0, assignments.generation(P0));
        for (int offset = 0; offset < 1_000; offset++) {
            totals.add(new Order(offset + 1, LocalDateTime.of(day, LocalTime.NOON), 1, 1, Integer.MAX_VALUE, 1, "paypal"),
                    dearest, STORED + offset);
        }

        store(mysql, TestConfig.defaults()).save(new WindowTotals().add(List.of(totals))).await().atMost(BOUND);

        BigDecimal quantity = BigDecimal.valueOf(1_000L * Integer.MAX_VALUE);
        assertThat(rows("SELECT total_sales, total_profit FROM daily_sales WHERE order_date = ?")).containsExactly(List.of(
                dearest.unitPrice().multiply(quantity).setScale(4).toPlainString(),
                dearest.unitProfit().multiply(quantity).setScale(4).toPlainString()));
    }

    private AggregateStore store(Pool pool, SalesConfig config) {
        return new AggregateStore(pool, new StoredOffsets(pool, TestConfig.with(Map.of("sales.pipeline.group-id", group))),
                assignments, new RecordingResync(), metrics, new Retries(metrics, config));
    }

    /** One window of P0 read under its current assignment: one order, then dead letters up to LAST_OFFSET. */
    private WindowTotals window() {
        PartitionTotals totals = new PartitionTotals(P0, assignments.generation(P0));
        totals.add(new Order(1, LocalDateTime.of(day, LocalTime.NOON), 1, 1, QUANTITY, 1, "paypal"), TestCatalog.priced(1), STORED);
        totals.skip(LAST_OFFSET);
        return new WindowTotals().add(List.of(totals));
    }

    private static void assertThatFailsWithOffsetConflict(CompletableFuture<?> attempt) throws Exception {
        try {
            attempt.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("attempt 1 committed the window a second time");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(OffsetConflict.class);
        }
    }

    private Order order(int platform, int quantity) {
        return new Order(1, LocalDateTime.of(day, LocalTime.NOON), platform, 1, quantity, 1, "paypal");
    }

    /** The rows of a query of the test's day: integers as longs, decimals with a fraction as plain strings (their scale shows). */
    private List<List<Object>> rows(String sql) {
        List<List<Object>> rows = new ArrayList<>();
        mysql.preparedQuery(sql).execute(Tuple.of(day)).await().atMost(BOUND).forEach(row -> {
            List<Object> values = new ArrayList<>();
            for (int column = 0; column < row.size(); column++) {
                BigDecimal value = row.getBigDecimal(column);
                values.add(value.scale() == 0 ? (Object) value.longValueExact() : value.toPlainString());
            }
            rows.add(values);
        });
        return rows;
    }

    /** How many rows of the test's day, and their quantity. */
    private List<Long> aggregates() {
        Row row = mysql.preparedQuery("SELECT COUNT(*), COALESCE(SUM(total_quantity), 0) FROM aggregated_sales WHERE order_date = ?")
                .execute(Tuple.of(day)).await().atMost(BOUND).iterator().next();
        return List.of(row.getLong(0), row.getLong(1));
    }

    private long storedOffset() {
        return new StoredOffsets(mysql, TestConfig.with(Map.of("sales.pipeline.group-id", group))).read(TOPIC)
                .await().atMost(BOUND).get(P0);
    }
}
