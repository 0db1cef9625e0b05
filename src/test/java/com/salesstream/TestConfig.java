package com.salesstream;

import java.time.Duration;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The service's configuration with its defaults, for unit tests that run without Quarkus. */
public final class TestConfig {

    private TestConfig() {
    }

    public static SalesConfig defaults() {
        return new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(SalesConfig.class)
                .build()
                .getConfigMapping(SalesConfig.class);
    }
}
