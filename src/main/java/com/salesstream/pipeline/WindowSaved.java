package com.salesstream.pipeline;

import java.time.LocalDateTime;

/** Fired (asynchronously) once a window's aggregates are committed to MySQL; {@code at} is its processed_at (UTC). */
public record WindowSaved(LocalDateTime at) {
}
