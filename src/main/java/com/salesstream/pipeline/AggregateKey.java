package com.salesstream.pipeline;

import java.time.LocalDate;

/** One row of {@code aggregated_sales} per window: the order date (UTC), platform and product. */
record AggregateKey(LocalDate orderDate, int platformId, int productId) {
}
