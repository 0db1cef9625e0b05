package com.salesstream.analytics;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.salesstream.analytics.TodaySales.Breakdown;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The analytical reads of MySQL: the aggregates joined with the dimensions, sales and profit by the series' pricing
 * rule (selling price = cost x (1 + margin)), all in DECIMAL. Every query is parameterized and bounded by its day or
 * its range of days.
 */
@ApplicationScoped
class SalesQueries {

    static final int TOP_PRODUCTS = 10;

    private static final String FIGURES = "SUM(a.total_quantity * d.cost_price * (1 + c.profit_margin)), "
            + "SUM(a.total_quantity * d.cost_price * c.profit_margin), SUM(a.total_quantity)";
    private static final String JOINS = " FROM aggregated_sales a JOIN dim_product d ON d.product_id = a.product_id "
            + "JOIN dim_category c ON c.category_id = d.category_id JOIN dim_platform p ON p.platform_id = a.platform_id ";
    private static final String BY_PLATFORM = "SELECT p.platform_name, " + FIGURES + JOINS
            + "WHERE a.order_date = ? GROUP BY p.platform_id, p.platform_name ORDER BY p.platform_id";
    private static final String BY_CATEGORY = "SELECT c.category_name, " + FIGURES + JOINS
            + "WHERE a.order_date = ? GROUP BY c.category_id, c.category_name ORDER BY c.category_id";
    private static final String TOP = "SELECT d.product_name, " + FIGURES + JOINS
            + "WHERE a.order_date = ? GROUP BY d.product_id, d.product_name ORDER BY 2 DESC LIMIT " + TOP_PRODUCTS;
    private static final String PER_MINUTE = "SELECT DATE_FORMAT(a.processed_at, '%H:%i'), " + FIGURES + JOINS
            + "WHERE a.order_date = ? GROUP BY 1 ORDER BY 1";
    private static final String DAILY = "SELECT a.order_date, " + FIGURES + JOINS
            + "WHERE a.order_date BETWEEN ? AND ? GROUP BY a.order_date ORDER BY a.order_date";

    private final Pool mysql;

    SalesQueries(Pool mysql) {
        this.mysql = mysql;
    }

    /** Today's figures; four grouped queries over the day's rows. */
    Uni<TodaySales> today(LocalDate day, LocalDateTime asOf) {
        Tuple date = Tuple.of(day);
        return Uni.combine().all().unis(breakdown(BY_PLATFORM, date), breakdown(BY_CATEGORY, date),
                breakdown(TOP, date), breakdown(PER_MINUTE, date)).with((platforms, categories, top, minutes) -> {
                    BigDecimal sales = Money.ZERO;
                    BigDecimal profit = Money.ZERO;
                    long quantity = 0;
                    for (Breakdown platform : platforms) {
                        sales = sales.add(platform.sales());
                        profit = profit.add(platform.profit());
                        quantity += platform.quantity();
                    }
                    return new TodaySales(day, Money.of(sales), Money.of(profit), quantity, platforms, categories, top,
                            minutes, asOf);
                });
    }

    Uni<List<DailyTotals>> daily(LocalDate from, LocalDate to) {
        return mysql.preparedQuery(DAILY).execute(Tuple.of(from, to)).map(rows -> {
            List<DailyTotals> days = new ArrayList<>();
            rows.forEach(row -> days.add(new DailyTotals(row.getLocalDate(0), Money.of(row.getBigDecimal(1)),
                    Money.of(row.getBigDecimal(2)), row.getLong(3))));
            return days;
        });
    }

    private Uni<List<Breakdown>> breakdown(String sql, Tuple date) {
        return mysql.preparedQuery(sql).execute(date).map(SalesQueries::breakdowns);
    }

    private static List<Breakdown> breakdowns(RowSet<Row> rows) {
        List<Breakdown> list = new ArrayList<>();
        rows.forEach(row -> list.add(new Breakdown(row.getString(0), Money.of(row.getBigDecimal(1)),
                Money.of(row.getBigDecimal(2)), row.getLong(3))));
        return list;
    }
}
