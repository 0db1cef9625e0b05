package com.salesstream.analytics;

/** A request beyond what the API takes at once; answered with 503 and a problem body ({@link ProblemMapper}). */
public class Overloaded extends RuntimeException {

    public Overloaded(String detail) {
        super(detail, null, false, false);
    }
}
