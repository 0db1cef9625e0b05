package com.salesstream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What the tests do to a day's aggregates, facts and rollups (migration V3) together, so the figures the API reads
 * always agree with the rows: delete a day, or the rows saved since a moment and the day's rollups rebuilt.
 */
public final class TestAggregates {

    /** Each rollup with its key columns, its rows rebuilt from a day's facts as V3 fills them. */
    private static final List<String[]> ROLLUPS = List.of(
            new String[] { "daily_sales", "order_date" },
            new String[] { "daily_platform_category_sales", "order_date, platform_id, category_id" },
            new String[] { "daily_product_sales", "order_date, product_id" },
            new String[] { "minute_sales", "order_date, DATE_FORMAT(window_start, '%Y-%m-%d %H:%i:00')" });
    /** Deletes every row of the day (its one parameter). */
    private static final List<String> DELETE_DAY = deleteDay();
    /** Rebuilds the day's rollups (each statement's one parameter) from its facts. */
    private static final List<String> REBUILD_DAY = rebuildDay();
    private static final Duration WITHIN = Duration.ofSeconds(30);

    private TestAggregates() {
    }

    public static void deleteDay(Pool mysql, LocalDate day) {
        run(mysql, DELETE_DAY, day, null);
    }

    public static void deleteDay(Connection mysql, LocalDate day) throws SQLException {
        run(mysql, DELETE_DAY, day);
    }

    /** The day's rollups made again from its facts, as the saves would have added them. */
    public static void rebuildDay(Connection mysql, LocalDate day) throws SQLException {
        run(mysql, REBUILD_DAY, day);
    }

    /** Removes what windows saved since {@code since} for the day, and rebuilds its rollups from what is left. */
    public static void deleteSavedSince(Pool mysql, LocalDate day, LocalDateTime since) {
        List<String> statements = new ArrayList<>(List.of("DELETE FROM aggregated_sales WHERE order_date = ? AND processed_at >= ?"));
        statements.addAll(REBUILD_DAY);
        run(mysql, statements, day, since);
    }

    private static void run(Connection mysql, List<String> statements, LocalDate day) throws SQLException {
        for (String sql : statements) {
            try (PreparedStatement statement = mysql.prepareStatement(sql)) {
                statement.setObject(1, day);
                statement.executeUpdate();
            }
        }
    }

    private static void run(Pool mysql, List<String> statements, LocalDate day, LocalDateTime since) {
        mysql.withTransaction(connection -> Multi.createFrom().iterable(statements)
                .onItem().transformToUniAndConcatenate(sql -> connection.preparedQuery(sql)
                        .execute(sql.contains("processed_at >= ?") ? Tuple.of(day, since) : Tuple.of(day)))
                .collect().last())
                .await().atMost(WITHIN);
    }

    private static List<String> deleteDay() {
        List<String> statements = new ArrayList<>(List.of("DELETE FROM aggregated_sales WHERE order_date = ?"));
        ROLLUPS.forEach(rollup -> statements.add("DELETE FROM " + rollup[0] + " WHERE order_date = ?"));
        return List.copyOf(statements);
    }

    private static List<String> rebuildDay() {
        List<String> statements = new ArrayList<>();
        for (String[] rollup : ROLLUPS) {
            statements.add("DELETE FROM " + rollup[0] + " WHERE order_date = ?");
            statements.add("INSERT INTO " + rollup[0] + " SELECT " + rollup[1] + ", SUM(total_quantity), SUM(total_sales), "
                    + "SUM(total_profit) FROM aggregated_sales WHERE order_date = ? GROUP BY " + rollup[1]);
        }
        return List.copyOf(statements);
    }
}
