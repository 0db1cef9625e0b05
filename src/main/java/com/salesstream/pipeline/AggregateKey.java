package com.salesstream.pipeline;

import java.time.LocalDate;
import java.util.Objects;

import com.salesstream.catalog.CatalogSnapshot.Product;

/**
 * One row of {@code aggregated_sales} per window: the order date (UTC), platform and product, the product as priced
 * by the catalog that validated the orders. A price change within a window makes two keys, each with its own money.
 */
record AggregateKey(LocalDate orderDate, int platformId, Product product) {

    // The catalog hands out one Product per snapshot: the hot path compares it by reference, not field by field.
    @Override
    public boolean equals(Object other) {
        return other instanceof AggregateKey key && platformId == key.platformId && orderDate.equals(key.orderDate)
                && (product == key.product || product.equals(key.product));
    }

    @Override
    public int hashCode() {
        return Objects.hash(orderDate, platformId, product.id());
    }
}
