package com.salesstream.pipeline;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The rollups the API and the dashboard read (migration V3), added to in the window's own transaction: per day; per
 * day, platform and category; per day and product; per order date and the minute the window started. A figure
 * then costs a few rows whatever the number of instances, the hour or the history. Rows go in primary-key order, so
 * the saves of several instances lock shared rows in one order.
 */
final class SalesRollups {

    // VALUES(): MariaDB has no row alias (INSERT ... AS new); MySQL 8.4 still takes it, with a deprecation warning.
    private static final String ADD = " ON DUPLICATE KEY UPDATE total_quantity = total_quantity + VALUES(total_quantity), "
            + "total_sales = total_sales + VALUES(total_sales), total_profit = total_profit + VALUES(total_profit)";

    /** Keys compared column by column: dates, ids and minutes are all comparable. */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static final Comparator<List<Object>> PRIMARY_KEY_ORDER = (one, other) -> {
        for (int column = 0; column < one.size(); column++) {
            int order = ((Comparable) one.get(column)).compareTo(other.get(column));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    };

    private SalesRollups() {
    }

    /** Adds the sales of the window started at {@code windowStart} to every rollup. */
    static Uni<Void> add(SqlConnection connection, List<Sale> sales, LocalDateTime windowStart) {
        LocalDateTime minute = windowStart.truncatedTo(ChronoUnit.MINUTES);
        return upsert(connection, "daily_sales (order_date", sales, sale -> List.of(sale.key().orderDate()))
                .chain(() -> upsert(connection, "daily_platform_category_sales (order_date, platform_id, category_id",
                        sales, sale -> List.of(sale.key().orderDate(), sale.key().platformId(),
                                sale.key().product().categoryId())))
                .chain(() -> upsert(connection, "daily_product_sales (order_date, product_id", sales,
                        sale -> List.of(sale.key().orderDate(), sale.key().product().id())))
                .chain(() -> upsert(connection, "minute_sales (order_date, window_minute", sales,
                        sale -> List.of(sale.key().orderDate(), minute)));
    }

    /** The sales summed per key of one rollup, in key order: rows of its key columns, quantity, sales and profit. */
    static List<List<Object>> rows(List<Sale> sales, Function<Sale, List<Object>> key) {
        Map<List<Object>, Sum> sums = new TreeMap<>(PRIMARY_KEY_ORDER);
        sales.forEach(sale -> sums.merge(key.apply(sale), new Sum(sale.quantity(), sale.sales(), sale.profit()), Sum::plus));
        List<List<Object>> rows = new ArrayList<>(sums.size());
        sums.forEach((columns, sum) -> {
            List<Object> row = new ArrayList<>(columns);
            Collections.addAll(row, sum.quantity(), sum.sales(), sum.profit());
            rows.add(row);
        });
        return rows;
    }

    private record Sum(long quantity, BigDecimal sales, BigDecimal profit) {
        Sum plus(Sum other) {
            return new Sum(quantity + other.quantity, sales.add(other.sales), profit.add(other.profit));
        }
    }

    private static Uni<Void> upsert(SqlConnection connection, String tableAndKey, List<Sale> sales,
            Function<Sale, List<Object>> key) {
        return MultiRowInserts.run(connection, "INSERT INTO " + tableAndKey
                + ", total_quantity, total_sales, total_profit) VALUES ", ADD, rows(sales, key));
    }
}
