package com.salesstream;

/** Channel names shared by the code, the configuration and the tests. */
public final class Channels {

    /** Generated orders, to the orders topic. */
    public static final String ORDERS_OUT = "orders-out";
    /** Orders read from the orders topic by the pipeline. */
    public static final String ORDERS_IN = "orders-in";
    /** Records the pipeline could not accept, with the reason in their headers. */
    public static final String DEAD_LETTERS = "dead-letters";

    private Channels() {
    }
}
