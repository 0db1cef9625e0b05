package com.salesstream;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Drops the one log record Vert.x's SQL pool emits in error after a connection attempt already failed: its timeout
 * timer fails the finished request again and Vert.x reports "Uncaught exception ... Result is already complete"
 * (vertx-sql-client#1706). The failure itself reached the caller and was retried; nothing else is filtered.
 */
@LoggingFilter(name = "vertx-pool-timer-noise")
public final class VertxPoolTimerNoise implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        Throwable thrown = record.getThrown();
        return !(thrown instanceof IllegalStateException && "Result is already complete".equals(thrown.getMessage())
                && thrown.getStackTrace().length > 1
                && thrown.getStackTrace()[1].getClassName().startsWith("io.vertx.sqlclient.impl.pool.SqlConnectionPool"));
    }
}
