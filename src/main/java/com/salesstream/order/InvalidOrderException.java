package com.salesstream.order;

/** A Kafka record that is not a valid order, with the reason and a human-readable detail. */
public class InvalidOrderException extends Exception {

    private final Rejection rejection;

    public InvalidOrderException(Rejection rejection, String detail) {
        super(detail, null, false, false);
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }
}
