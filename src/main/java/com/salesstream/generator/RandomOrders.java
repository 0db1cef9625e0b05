package com.salesstream.generator;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import com.salesstream.SalesConfig;
import com.salesstream.order.Order;

/** Draws orders with the SPEC's generator rules. */
@ApplicationScoped
class RandomOrders {

    private static final List<String> PAYMENT_METHODS = List.copyOf(Order.PAYMENT_METHODS);
    /** The SPEC's generator draws quantities 1..10 and customers 1..1000. */
    static final int MAX_QUANTITY = 10;
    static final int MAX_CUSTOMER_ID = 1000;

    private final SalesConfig.Orders limits;

    RandomOrders(SalesConfig config) {
        this.limits = config.orders();
    }

    Order create(long orderId) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new Order(orderId,
                LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS),
                random.nextInt(1, limits.maxPlatformId() + 1),
                random.nextInt(1, limits.maxProductId() + 1),
                random.nextInt(1, MAX_QUANTITY + 1),
                random.nextInt(1, MAX_CUSTOMER_ID + 1),
                PAYMENT_METHODS.get(random.nextInt(PAYMENT_METHODS.size())));
    }
}
