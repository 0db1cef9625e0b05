package com.salesstream.analytics;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** An RFC 9457 problem body: what is wrong with the request. */
@RegisterForReflection
public record Problem(String title, int status, String detail) {
}
