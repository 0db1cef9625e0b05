package com.salesstream.order;

/** Why a Kafka record is not a valid order; the value of the dead letter's reason header. */
public enum Rejection {
    NULL_VALUE("null-value"),
    OVERSIZED("oversized"),
    INVALID_JSON("invalid-json"),
    NOT_AN_OBJECT("not-an-object"),
    MISSING_FIELD("missing-field"),
    WRONG_TYPE("wrong-type"),
    INVALID_CREATED_AT("invalid-created-at"),
    INVALID_QUANTITY("invalid-quantity"),
    UNKNOWN_PAYMENT_METHOD("unknown-payment-method"),
    INVALID_ID("invalid-id"),
    UNKNOWN_PLATFORM("unknown-platform"),
    UNKNOWN_PRODUCT("unknown-product"),
    /** Decoding failed in a way no rule foresaw: the record is set aside rather than stopping the channel. */
    UNDECODABLE("undecodable"),
    /** Valid, but a store refused it for good (it can never be written). */
    UNSTORABLE("unstorable");

    private final String label;

    Rejection(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
