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

    /**
     * Each suite's own order ids (a random start within 10^12 of its base, far above the generator's) and days (a
     * random one of its own ten years), so that no two suites, and no two runs, read each other's orders.
     */
    public enum Suite {
        RESILIENCE(6_000_000_000_000_000L, 1930),
        BENCHMARK(5_000_000_000_000_000L, 1940),
        DELIVERY(7_000_000_000_000_000L, 1960),
        /** The cluster fault suite (ClusterIT). */
        CLUSTER(6_500_000_000_000_000L, 1970),
        PIPELINE(9_000_000_000_000_000L, 1990),
        /** Today's orders and a past day's: the API reads both. */
        API(8_000_000_000_000_000L, 1800),
        /** An order of a product added to the catalog while the service runs. */
        CATALOG(8_200_000_000_000_000L, 1700),
        /** Today's orders only: the dashboard shows today. */
        DASHBOARD(8_500_000_000_000_000L, 1600),
        /** Orders that must reach the tests' own stores, never the developer's (DeveloperDataIT). */
        ISOLATION(8_700_000_000_000_000L, 1500);

        private final long ids;
        private final int firstYear;

        Suite(long ids, int firstYear) {
            this.ids = ids;
            this.firstYear = firstYear;
        }

        public long firstId() {
            return ids + ThreadLocalRandom.current().nextLong(1_000_000_000_000L);
        }

        public LocalDate randomDay() {
            return LocalDate.of(firstYear, 1, 1).plusDays(ThreadLocalRandom.current().nextInt(3_650));
        }
    }

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

    /** Quantities per "platform/product", the way the SPEC's exactness rule sums them for one day. */
    public static Map<String, Long> totals(List<Order> orders) {
        return orders.stream().collect(Collectors.groupingBy(order -> order.platformId() + "/" + order.productId(),
                Collectors.summingLong(Order::quantity)));
    }
}
