package com.salesstream;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import io.quarkus.logging.LoggingFilter;

/**
 * Drops the two records the Vert.x SQL client emits for nothing, and only those:
 * <ul>
 * <li>after a connection attempt already failed, its pool's timeout timer fails the finished request again and
 * Vert.x reports "Uncaught exception ... Result is already complete" (vertx-sql-client#1706); the failure itself
 * reached the caller and was retried;</li>
 * <li>each connection factory of the pool asks for its own client metrics under the same name, and Micrometer warns
 * once that a {@code mysql.*} gauge ({@code queue.size}, {@code current}) is registered already: the first one is
 * kept.</li>
 * </ul>
 */
@LoggingFilter(name = "sql-client-noise")
public final class SqlClientNoise implements Filter {

    private static final String DUPLICATE_GAUGE = "This Gauge has been already registered (MeterId{name='mysql.";

    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public boolean isLoggable(LogRecord record) {
        return !(isPoolTimerEcho(record.getThrown())
                || "io.micrometer.core.instrument.MeterRegistry".equals(record.getLoggerName())
                        && formatter.formatMessage(record).startsWith(DUPLICATE_GAUGE));
    }

    private static boolean isPoolTimerEcho(Throwable thrown) {
        return thrown instanceof IllegalStateException && "Result is already complete".equals(thrown.getMessage())
                && thrown.getStackTrace().length > 1
                && thrown.getStackTrace()[1].getClassName().startsWith("io.vertx.sqlclient.impl.pool.SqlConnectionPool");
    }
}
