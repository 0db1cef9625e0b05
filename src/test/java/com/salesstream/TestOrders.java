package com.salesstream;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import com.salesstream.order.Order;

/**
 * Orders that tests and the benchmark produce themselves: ids far above the generator's and a day of their own, so
 * they never mix with other data on the shared servers.
 */
public final class TestOrders {

    private TestOrders() {
    }

    /** {@code count} valid random orders with consecutive ids from {@code firstId}, all created on {@code day}. */
    public static List<Order> onDay(LocalDate day, long firstId, int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> payments = List.copyOf(Order.PAYMENT_METHODS);
        List<Order> orders = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            orders.add(new Order(firstId + i, day.atTime(random.nextInt(24), random.nextInt(60), random.nextInt(60)),
                    random.nextInt(1, 5), random.nextInt(1, 21), random.nextInt(1, 11), random.nextInt(1, 1001),
                    payments.get(random.nextInt(payments.size()))));
        }
        return orders;
    }

    /** {@code count} valid random orders created now (UTC, whole seconds), with consecutive ids from {@code firstId}. */
    public static List<Order> now(long firstId, int count) {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC).withNano(0);
        return onDay(now.toLocalDate(), firstId, count).stream().map(order -> new Order(order.orderId(), now,
                order.platformId(), order.productId(), order.quantity(), order.customerId(), order.paymentMethod()))
                .toList();
    }

    /** A random day between {@code from} and 10,000 days later. */
    public static LocalDate randomDay(LocalDate from) {
        return from.plusDays(ThreadLocalRandom.current().nextInt(10_000));
    }

    /** Quantities per "platform/product", the way the SPEC's exactness rule sums them for one day. */
    public static Map<String, Long> totals(List<Order> orders) {
        return orders.stream().collect(Collectors.groupingBy(order -> order.platformId() + "/" + order.productId(),
                Collectors.summingLong(Order::quantity)));
    }
}
