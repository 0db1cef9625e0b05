package com.salesstream;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.salesstream.catalog.CatalogSnapshot;
import com.salesstream.order.Order;

/**
 * The reference series' seeded catalog, written out again here as the tests' own oracle: a test computes what the
 * service must show from these, never from the service's code.
 */
public final class TestCatalog {

    public static final Map<Integer, String> PLATFORMS = Map.of(1, "MarketPlaceX", 2, "EasyShop", 3, "BuyNow", 4, "SwiftMart");

    /** A seeded product: its cost and its category's name and margin. */
    public record Product(String name, BigDecimal cost, String category, BigDecimal margin) {
        public BigDecimal price() {
            return cost.add(cost.multiply(margin));
        }

        public BigDecimal profit() {
            return cost.multiply(margin);
        }
    }

    public static final Map<Integer, Product> PRODUCTS = products();

    private static final Map<String, Integer> CATEGORY_IDS = Map.of("Jewelry", 1, "Shoes", 2, "Clothing", 3, "Personal Care", 4);
    private static final Map<Integer, CatalogSnapshot.Product> PRICED = new HashMap<>();

    private TestCatalog() {
    }

    /** A seeded product as the service's catalog holds it: what the pipeline's own tests count orders with. */
    public static synchronized CatalogSnapshot.Product priced(int productId) {
        return PRICED.computeIfAbsent(productId, id -> {
            Product product = PRODUCTS.get(id);
            return new CatalogSnapshot.Product(id, product.name(), product.cost(), CATEGORY_IDS.get(product.category()),
                    product.category(), product.margin());
        });
    }

    /** Sales and profit of the orders per platform name, per category name, and in all ("total"). */
    public static Map<String, BigDecimal[]> figures(List<Order> orders) {
        Map<String, BigDecimal[]> figures = new HashMap<>();
        for (Order order : orders) {
            Product product = PRODUCTS.get(order.productId());
            BigDecimal quantity = BigDecimal.valueOf(order.quantity());
            for (String key : List.of("total", "platform:" + PLATFORMS.get(order.platformId()), "category:" + product.category())) {
                BigDecimal[] sums = figures.computeIfAbsent(key, any -> new BigDecimal[] { BigDecimal.ZERO, BigDecimal.ZERO });
                sums[0] = sums[0].add(product.price().multiply(quantity));
                sums[1] = sums[1].add(product.profit().multiply(quantity));
            }
        }
        return figures;
    }

    private static Map<Integer, Product> products() {
        Map<String, BigDecimal> margins = Map.of("Jewelry", new BigDecimal("0.25"), "Shoes", new BigDecimal("0.20"),
                "Clothing", new BigDecimal("0.15"), "Personal Care", new BigDecimal("0.10"));
        Object[][] rows = { { 1, "Diamond Ring", "1000.00", "Jewelry" }, { 2, "Gold Necklace", "800.00", "Jewelry" },
                { 3, "Silver Bracelet", "150.00", "Jewelry" }, { 4, "Leather Boots", "210.00", "Shoes" },
                { 5, "Sports Shoes", "130.00", "Shoes" }, { 6, "High Heels", "80.00", "Shoes" },
                { 7, "T-Shirt", "25.00", "Clothing" }, { 8, "Jeans", "50.00", "Clothing" }, { 9, "Dress", "90.00", "Clothing" },
                { 10, "Shampoo", "10.00", "Personal Care" }, { 11, "Soap", "5.00", "Personal Care" },
                { 12, "Moisturizer", "15.00", "Personal Care" }, { 13, "Gold Earrings", "220.00", "Jewelry" },
                { 14, "Titanium Bracelet", "120.00", "Jewelry" }, { 15, "Hiking Boots", "140.00", "Shoes" },
                { 16, "Sandals", "40.00", "Shoes" }, { 17, "Trousers", "70.00", "Clothing" }, { 18, "Skirt", "40.00", "Clothing" },
                { 19, "Sunscreen", "20.00", "Personal Care" }, { 20, "Hand Lotion", "10.00", "Personal Care" } };
        Map<Integer, Product> products = new HashMap<>();
        for (Object[] row : rows) {
            String category = (String) row[3];
            products.put((Integer) row[0], new Product((String) row[1], new BigDecimal((String) row[2]), category, margins.get(category)));
        }
        return Map.copyOf(products);
    }
}
