package com.salesstream.analytics;

/** A request the API cannot answer as asked; answered with 400 and a problem body ({@link ProblemMapper}). */
public class BadRequest extends RuntimeException {

    public BadRequest(String detail) {
        super(detail, null, false, false);
    }
}
