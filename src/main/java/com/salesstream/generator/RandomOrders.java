package com.salesstream.generator;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import com.salesstream.catalog.Catalog;
import com.salesstream.catalog.CatalogSnapshot;
import com.salesstream.order.Order;

/** Draws orders with the SPEC's generator rules, from the platforms and products of the catalog. */
@ApplicationScoped
class RandomOrders {

    private static final List<String> PAYMENT_METHODS = List.copyOf(Order.PAYMENT_METHODS);
    /** The SPEC's generator draws quantities 1..10 and customers 1..1000. */
    static final int MAX_QUANTITY = 10;
    static final int MAX_CUSTOMER_ID = 1000;

    private final Catalog catalog;

    RandomOrders(Catalog catalog) {
        this.catalog = catalog;
    }

    /** An order of a platform and product of the catalog; call once the catalog is ready. */
    Order create(long orderId) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        CatalogSnapshot known = catalog.current();
        return new Order(orderId,
                LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS),
                known.platformIds().get(random.nextInt(known.platformIds().size())),
                known.productIds().get(random.nextInt(known.productIds().size())),
                random.nextInt(1, MAX_QUANTITY + 1),
                random.nextInt(1, MAX_CUSTOMER_ID + 1),
                PAYMENT_METHODS.get(random.nextInt(PAYMENT_METHODS.size())));
    }
}
