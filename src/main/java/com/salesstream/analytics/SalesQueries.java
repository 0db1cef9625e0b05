package com.salesstream.analytics;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.Timeout;

import com.salesstream.analytics.TodaySales.Breakdown;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The analytical reads of MySQL: the rollups the windows' saves keep (sales and profit as stored at the sale, in
 * DECIMAL), named from the dimensions; a product or platform since deleted keeps its figures under its id. Every
 * query is parameterized and reads a few rows per day of its range.
 */
@ApplicationScoped
class SalesQueries {

    static final int TOP_PRODUCTS = 10;
    /**
     * How long an API read may take: MySQL ends it then (an optimizer hint, which MariaDB ignores), and
     * {@code @Timeout} answers 503 either way.
     */
    static final long STATEMENT_TIMEOUT_MS = 5_000;

    private static final String SELECT = "SELECT /*+ MAX_EXECUTION_TIME(" + STATEMENT_TIMEOUT_MS + ") */ ";

    private static final String FIGURES = "SUM(s.total_sales), SUM(s.total_profit), SUM(s.total_quantity)";
    private static final String BY_PLATFORM = SELECT + "COALESCE(p.platform_name, CONCAT('platform ', s.platform_id)), "
            + FIGURES + " FROM daily_platform_category_sales s LEFT JOIN dim_platform p ON p.platform_id = s.platform_id "
            + "WHERE s.order_date = ? GROUP BY s.platform_id, p.platform_name ORDER BY s.platform_id";
    private static final String BY_CATEGORY = SELECT + "COALESCE(c.category_name, CONCAT('category ', s.category_id)), "
            + FIGURES + " FROM daily_platform_category_sales s LEFT JOIN dim_category c ON c.category_id = s.category_id "
            + "WHERE s.order_date = ? GROUP BY s.category_id, c.category_name ORDER BY s.category_id";
    private static final String TOP = SELECT + "COALESCE(d.product_name, CONCAT('product ', s.product_id)), "
            + "s.total_sales, s.total_profit, s.total_quantity FROM daily_product_sales s "
            + "LEFT JOIN dim_product d ON d.product_id = s.product_id WHERE s.order_date = ? "
            + "ORDER BY s.total_sales DESC, s.product_id LIMIT " + TOP_PRODUCTS;
    private static final String PER_MINUTE = SELECT + "DATE_FORMAT(window_minute, '%H:%i'), total_sales, total_profit, "
            + "total_quantity FROM minute_sales WHERE order_date = ? ORDER BY window_minute";
    private static final String DAILY = SELECT + "order_date, total_sales, total_profit, total_quantity FROM daily_sales "
            + "WHERE order_date BETWEEN ? AND ? ORDER BY order_date";

    private final Pool mysql;

    /** The API's own pool (application.properties): its reads never wait for, or hold, the pipeline's connections. */
    SalesQueries(@ReactiveDataSource("api") Pool mysql) {
        this.mysql = mysql;
    }

    /** Today's figures: four queries of the day's rollups. */
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

    /**
     * The one read a request makes: four at a time on the API's pool of four, sixteen more waiting, the rest refused
     * at once (503); each given up after {@link #STATEMENT_TIMEOUT_MS} (503), waiting included.
     */
    @Bulkhead(value = 4, waitingTaskQueue = 16)
    @Timeout(STATEMENT_TIMEOUT_MS)
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
