package com.salesstream.order;

/** Bounds text taken from a record before it goes into a message or a header: a hostile value can be any size. */
public final class Abbreviated {

    public static final int MAX_CHARS = 200;

    private Abbreviated() {
    }

    public static String of(String text) {
        if (text == null || text.length() <= MAX_CHARS) {
            return text;
        }
        return text.substring(0, MAX_CHARS) + "... (" + text.length() + " chars)";
    }
}
