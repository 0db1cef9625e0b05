package com.salesstream.analytics;

/** Nothing there; answered with 404 and a problem body ({@link ProblemMapper}). */
public class NotFound extends RuntimeException {

    public NotFound(String detail) {
        super(detail, null, false, false);
    }
}
