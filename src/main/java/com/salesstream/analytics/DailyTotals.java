package com.salesstream.analytics;

import java.math.BigDecimal;
import java.time.LocalDate;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One day's (UTC) sales, profit and quantity. */
@RegisterForReflection
public record DailyTotals(LocalDate date, BigDecimal sales, BigDecimal profit, long quantity) {
}
