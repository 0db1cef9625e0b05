package com.salesstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import com.salesstream.TestCatalog;
import com.salesstream.catalog.CatalogSnapshot.Product;
import com.salesstream.order.Order;

class WindowTotalsTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);
    private static final LocalDateTime DAY_ONE = LocalDateTime.of(2026, 1, 1, 23, 59, 59);
    private static final LocalDateTime DAY_TWO = DAY_ONE.plusSeconds(1);

    @Test
    void sumsQuantitiesPerDayPlatformAndProductAcrossBatchesAndPartitions() {
        WindowTotals window = new WindowTotals()
                .add(List.of(totals(P0, 1, 10, order(DAY_ONE, 1, 7, 3), order(DAY_TWO, 1, 7, 2)),
                        totals(P1, 1, 20, order(DAY_ONE, 1, 7, 4))))
                .add(List.of(totals(P0, 1, 12, order(DAY_ONE, 1, 7, 1), order(DAY_ONE, 2, 7, 5))));

        assertThat(WindowTotals.sales(window.partitions())).containsExactlyInAnyOrder(
                sale(DAY_ONE.toLocalDate(), 1, 7, 8),
                sale(DAY_TWO.toLocalDate(), 1, 7, 2),
                sale(DAY_ONE.toLocalDate(), 2, 7, 5));
        assertThat(window.partitions()).extracting(totals -> totals.lastOffset).containsExactlyInAnyOrder(13L, 20L);
    }

    @Test
    void aReassignedPartitionDropsWhatItsOlderAssignmentRead() {
        WindowTotals window = new WindowTotals()
                .add(List.of(totals(P0, 1, 100, order(DAY_ONE, 1, 1, 9))))
                .add(List.of(totals(P0, 2, 90, order(DAY_ONE, 1, 1, 4))))
                .add(List.of(totals(P0, 1, 102, order(DAY_ONE, 1, 1, 9))));

        assertThat(WindowTotals.sales(window.partitions())).containsExactly(sale(DAY_ONE.toLocalDate(), 1, 1, 4));
        assertThat(window.partitions()).singleElement().satisfies(totals -> {
            assertThat(totals.generation).isEqualTo(2);
            assertThat(totals.lastOffset).isEqualTo(90);
        });
    }

    @Test
    void aDeadLetterMovesTheOffsetWithoutCounting() {
        PartitionTotals totals = totals(P0, 1, 5, order(DAY_ONE, 1, 1, 2));
        totals.skip(6);

        assertThat(totals.lastOffset).isEqualTo(6);
        assertThat(totals.quantities).containsOnly(entry(DAY_ONE.toLocalDate(), 1, 1, 2));
    }

    @Test
    void aProductRepricedWithinTheWindowSellsAtEachPriceItsOrdersWereValidatedAt() {
        Product before = TestCatalog.priced(7);
        Product after = new Product(7, before.name(), new BigDecimal("30.00"), before.categoryId(), before.category(),
                before.margin());
        PartitionTotals totals = new PartitionTotals(P0, 1);
        totals.add(order(DAY_ONE, 1, 7, 2), before, 10);
        totals.add(order(DAY_ONE, 1, 7, 1), after, 11);
        totals.add(order(DAY_ONE, 1, 7, 3), before, 12);

        assertThat(WindowTotals.sales(new WindowTotals().add(List.of(totals)).partitions()))
                .extracting(Sale::quantity, Sale::sales, Sale::profit)
                .containsExactlyInAnyOrder(tuple(5L, new BigDecimal("143.7500"), new BigDecimal("18.7500")),
                        tuple(1L, new BigDecimal("34.5000"), new BigDecimal("4.5000")));
    }

    private static PartitionTotals totals(TopicPartition partition, long generation, long firstOffset, Order... orders) {
        PartitionTotals totals = new PartitionTotals(partition, generation);
        for (int i = 0; i < orders.length; i++) {
            totals.add(orders[i], TestCatalog.priced(orders[i].productId()), firstOffset + i);
        }
        return totals;
    }

    private static Order order(LocalDateTime createdAt, int platform, int product, int quantity) {
        return new Order(1, createdAt, platform, product, quantity, 1, "paypal");
    }

    private static Sale sale(LocalDate day, int platform, int product, long quantity) {
        return new Sale(new AggregateKey(day, platform, TestCatalog.priced(product)), quantity);
    }

    private static java.util.Map.Entry<AggregateKey, Long> entry(LocalDate day, int platform, int product, long quantity) {
        return java.util.Map.entry(new AggregateKey(day, platform, TestCatalog.priced(product)), quantity);
    }
}
