package com.salesstream.analytics;

import java.math.BigDecimal;

/** Amounts as MySQL computes them (exact DECIMAL), shown with at least two decimals and never rounded. */
final class Money {

    static final BigDecimal ZERO = new BigDecimal("0.00");

    private Money() {
    }

    static BigDecimal of(BigDecimal amount) {
        if (amount == null) {
            return ZERO;
        }
        BigDecimal exact = amount.stripTrailingZeros();
        return exact.setScale(Math.max(2, exact.scale()));
    }
}
