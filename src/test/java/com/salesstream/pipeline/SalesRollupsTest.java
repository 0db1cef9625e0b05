package com.salesstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.salesstream.TestCatalog;

class SalesRollupsTest {

    private static final LocalDate DAY = LocalDate.of(2026, 1, 2);

    @Test
    void sumsEachRollupsKeyAndListsItsRowsInPrimaryKeyOrder() {
        List<Sale> sales = List.of(sale(DAY, 2, 7, 3), sale(DAY.minusDays(1), 1, 1, 1), sale(DAY, 1, 8, 2),
                sale(DAY, 2, 1, 1));

        // Per day, platform and category: T-Shirt and Jeans are both Clothing (3), Diamond Ring Jewelry (1).
        assertThat(SalesRollups.rows(sales, sale -> List.of(sale.key().orderDate(), sale.key().platformId(),
                sale.key().product().categoryId()))).containsExactly(
                        List.of(DAY.minusDays(1), 1, 1, 1L, new BigDecimal("1250.0000"), new BigDecimal("250.0000")),
                        List.of(DAY, 1, 3, 2L, new BigDecimal("115.0000"), new BigDecimal("15.0000")),
                        List.of(DAY, 2, 1, 1L, new BigDecimal("1250.0000"), new BigDecimal("250.0000")),
                        List.of(DAY, 2, 3, 3L, new BigDecimal("86.2500"), new BigDecimal("11.2500")));
        assertThat(SalesRollups.rows(sales, sale -> List.of(sale.key().orderDate()))).containsExactly(
                List.of(DAY.minusDays(1), 1L, new BigDecimal("1250.0000"), new BigDecimal("250.0000")),
                List.of(DAY, 6L, new BigDecimal("1451.2500"), new BigDecimal("276.2500")));
    }

    private static Sale sale(LocalDate day, int platform, int product, long quantity) {
        return new Sale(new AggregateKey(day, platform, TestCatalog.priced(product)), quantity);
    }
}
