package com.salesstream.order;

import com.fasterxml.jackson.databind.JsonMappingException;

/** Thrown while Jackson binds a field, to carry the precise reason out of the parser. */
final class RejectedValueException extends JsonMappingException {

    private final Rejection rejection;

    RejectedValueException(Rejection rejection, String message) {
        super(null, message);
        this.rejection = rejection;
    }

    Rejection rejection() {
        return rejection;
    }
}
