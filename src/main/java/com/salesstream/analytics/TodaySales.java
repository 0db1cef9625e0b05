package com.salesstream.analytics;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Today's (UTC) sales and profit as the saved windows hold them; {@code as_of} is the last window saved here. */
@RegisterForReflection
public record TodaySales(
        LocalDate date,
        @JsonProperty("total_sales") BigDecimal totalSales,
        @JsonProperty("total_profit") BigDecimal totalProfit,
        @JsonProperty("total_quantity") long totalQuantity,
        @JsonProperty("by_platform") List<Breakdown> byPlatform,
        @JsonProperty("by_category") List<Breakdown> byCategory,
        @JsonProperty("top_products") List<Breakdown> topProducts,
        @JsonProperty("per_minute") List<Breakdown> perMinute,
        @JsonProperty("as_of") LocalDateTime asOf) {

    /** Sales, profit and quantity of one platform, category, product or minute (HH:mm, UTC). */
    @RegisterForReflection
    public record Breakdown(String name, BigDecimal sales, BigDecimal profit, long quantity) {
    }
}
