package com.salesstream.order;

/** Why a Kafka record is not a valid order; the value of the dead letter's reason header. */
public enum Rejection {
    NULL_VALUE("null-value"),
    OVERSIZED("oversized"),
    INVALID_JSON("invalid-json"),
    MISSING_FIELD("missing-field"),
    WRONG_TYPE("wrong-type"),
    INVALID_QUANTITY("invalid-quantity"),
    UNKNOWN_PAYMENT_METHOD("unknown-payment-method"),
    UNKNOWN_ID("unknown-id");

    private final String label;

    Rejection(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
