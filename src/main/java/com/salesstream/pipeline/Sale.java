package com.salesstream.pipeline;

import java.math.BigDecimal;

/** What a window sold of one key: its quantity, and its money at the price of the catalog that validated it. */
record Sale(AggregateKey key, long quantity) {

    BigDecimal sales() {
        return key.product().unitPrice().multiply(BigDecimal.valueOf(quantity));
    }

    BigDecimal profit() {
        return key.product().unitProfit().multiply(BigDecimal.valueOf(quantity));
    }
}
