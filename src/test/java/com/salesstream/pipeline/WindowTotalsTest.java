package com.salesstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

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

        assertThat(WindowTotals.quantities(window.partitions())).containsOnly(
                entry(DAY_ONE.toLocalDate(), 1, 7, 8),
                entry(DAY_TWO.toLocalDate(), 1, 7, 2),
                entry(DAY_ONE.toLocalDate(), 2, 7, 5));
        assertThat(window.partitions()).extracting(totals -> totals.lastOffset).containsExactlyInAnyOrder(13L, 20L);
    }

    @Test
    void aReassignedPartitionDropsWhatItsOlderAssignmentRead() {
        WindowTotals window = new WindowTotals()
                .add(List.of(totals(P0, 1, 100, order(DAY_ONE, 1, 1, 9))))
                .add(List.of(totals(P0, 2, 90, order(DAY_ONE, 1, 1, 4))))
                .add(List.of(totals(P0, 1, 102, order(DAY_ONE, 1, 1, 9))));

        assertThat(WindowTotals.quantities(window.partitions())).containsOnly(entry(DAY_ONE.toLocalDate(), 1, 1, 4));
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

    private static PartitionTotals totals(TopicPartition partition, long generation, long firstOffset, Order... orders) {
        PartitionTotals totals = new PartitionTotals(partition, generation);
        for (int i = 0; i < orders.length; i++) {
            totals.add(orders[i], firstOffset + i);
        }
        return totals;
    }

    private static Order order(LocalDateTime createdAt, int platform, int product, int quantity) {
        return new Order(1, createdAt, platform, product, quantity, 1, "paypal");
    }

    private static java.util.Map.Entry<AggregateKey, Long> entry(LocalDate day, int platform, int product, long quantity) {
        return java.util.Map.entry(new AggregateKey(day, platform, product), quantity);
    }
}
