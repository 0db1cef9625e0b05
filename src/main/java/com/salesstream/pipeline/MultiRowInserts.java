package com.salesstream.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Rows written with multi-row INSERTs, a statement per {@link #ROWS_PER_STATEMENT} rows, one after the other. */
final class MultiRowInserts {

    /** With at most 8 columns, far below MySQL's 65,535 placeholders per statement. */
    static final int ROWS_PER_STATEMENT = 1000;

    private MultiRowInserts() {
    }

    /**
     * Runs {@code insert} (up to VALUES), the rows' placeholders, then {@code suffix} (say an ON DUPLICATE KEY
     * clause) on the transaction's connection. Every row has the same number of values.
     */
    static Uni<Void> run(SqlConnection connection, String insert, String suffix, List<List<Object>> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int columns = rows.get(0).size();
        String row = "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")";
        List<Tuple> statements = new ArrayList<>();
        for (int first = 0; first < rows.size(); first += ROWS_PER_STATEMENT) {
            List<Object> values = new ArrayList<>();
            rows.subList(first, Math.min(rows.size(), first + ROWS_PER_STATEMENT)).forEach(values::addAll);
            statements.add(Tuple.from(values));
        }
        return Multi.createFrom().iterable(statements)
                .onItem().transformToUniAndConcatenate(values -> connection.preparedQuery(insert
                        + String.join(", ", Collections.nCopies(values.size() / columns, row)) + suffix).execute(values))
                .collect().last().replaceWithVoid();
    }
}
