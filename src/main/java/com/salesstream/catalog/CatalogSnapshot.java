package com.salesstream.catalog;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.salesstream.order.InvalidOrderException;
import com.salesstream.order.Order;
import com.salesstream.order.Rejection;

/** The dimension tables as read at one moment: which platforms and products exist, and what a product is worth. */
public final class CatalogSnapshot {

    private final Map<Integer, String> platforms;
    private final Map<Integer, Product> products;
    private final List<Integer> platformIds;
    private final List<Integer> productIds;

    /**
     * A product with its category as the catalog held it when an order was validated: what the order sold at. Money
     * is exact (DECIMAL in MySQL, BigDecimal here).
     */
    public record Product(int id, String name, BigDecimal costPrice, int categoryId, String category, BigDecimal margin) {

        /** The series' pricing rule: the margin is relative to cost. */
        public BigDecimal unitPrice() {
            return costPrice.multiply(BigDecimal.ONE.add(margin));
        }

        public BigDecimal unitProfit() {
            return costPrice.multiply(margin);
        }
    }

    public CatalogSnapshot(Map<Integer, String> platforms, Map<Integer, Product> products) {
        this.platforms = Map.copyOf(platforms);
        this.products = Map.copyOf(products);
        this.platformIds = this.platforms.keySet().stream().sorted().toList();
        this.productIds = this.products.keySet().stream().sorted().toList();
    }

    /** Platform names by id. */
    public Map<Integer, String> platforms() {
        return platforms;
    }

    public Map<Integer, Product> products() {
        return products;
    }

    /** The product the order sold, priced by this catalog; an unknown platform or product makes it a bad record. */
    public Product check(Order order) throws InvalidOrderException {
        if (!platforms.containsKey(order.platformId())) {
            throw new InvalidOrderException(Rejection.UNKNOWN_PLATFORM,
                    "platform_id " + order.platformId() + " is not in dim_platform");
        }
        Product product = products.get(order.productId());
        if (product == null) {
            throw new InvalidOrderException(Rejection.UNKNOWN_PRODUCT,
                    "product_id " + order.productId() + " is not in dim_product");
        }
        return product;
    }

    /** The ids in ascending order, for drawing one at random. */
    public List<Integer> platformIds() {
        return platformIds;
    }

    public List<Integer> productIds() {
        return productIds;
    }
}
