package com.salesstream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.salesstream.catalog.CatalogSnapshot.Product;
import com.salesstream.order.InvalidOrderException;
import com.salesstream.order.Order;
import com.salesstream.order.Rejection;

class CatalogSnapshotTest {

    private static final Product DIAMOND_RING = new Product(1, "Diamond Ring", new BigDecimal("1000.00"), 1, "Jewelry", new BigDecimal("0.25"));
    private static final Product T_SHIRT = new Product(7, "T-Shirt", new BigDecimal("25.00"), 3, "Clothing", new BigDecimal("0.15"));
    private final CatalogSnapshot catalog = new CatalogSnapshot(Map.of(1, "MarketPlaceX", 3, "BuyNow"),
            Map.of(1, DIAMOND_RING, 7, T_SHIRT));

    @Test
    void sellsAtCostPlusTheMarginOfItsCategoryExactly() {
        assertThat(DIAMOND_RING.unitPrice()).isEqualByComparingTo("1250.00");
        assertThat(DIAMOND_RING.unitProfit()).isEqualByComparingTo("250.00");
        assertThat(T_SHIRT.unitPrice()).isEqualByComparingTo("28.75");
        assertThat(T_SHIRT.unitProfit()).isEqualByComparingTo("3.75");
    }

    @Test
    void acceptsAnOrderOfAKnownPlatformAndProductAndPricesItByThisCatalog() throws InvalidOrderException {
        assertThat(catalog.check(order(3, 7))).isSameAs(T_SHIRT);
    }

    @Test
    void rejectsAPlatformOrProductOutsideTheCatalog() {
        assertThatThrownBy(() -> catalog.check(order(2, 7)))
                .isInstanceOfSatisfying(InvalidOrderException.class, e -> assertThat(e.rejection()).isEqualTo(Rejection.UNKNOWN_PLATFORM));
        assertThatThrownBy(() -> catalog.check(order(1, 2)))
                .isInstanceOfSatisfying(InvalidOrderException.class, e -> assertThat(e.rejection()).isEqualTo(Rejection.UNKNOWN_PRODUCT));
    }

    @Test
    void listsItsIdsInOrderForTheGenerator() {
        assertThat(catalog.platformIds()).containsExactly(1, 3);
        assertThat(catalog.productIds()).containsExactly(1, 7);
    }

    private static Order order(int platform, int product) {
        return new Order(1, LocalDateTime.of(2026, 1, 1, 0, 0), platform, product, 1, 1, "paypal");
    }
}
