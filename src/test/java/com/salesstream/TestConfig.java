package com.salesstream;

import java.time.Duration;
import java.util.Map;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The service's configuration with its defaults, for unit tests that run without Quarkus. */
public final class TestConfig {

    private TestConfig() {
    }

    public static SalesConfig defaults() {
        return with(Map.of());
    }

    /** The defaults with these properties set, e.g. {@code "sales.pipeline.window", "20ms"}. */
    public static SalesConfig with(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .withMapping(SalesConfig.class)
                .build()
                .getConfigMapping(SalesConfig.class);
    }
}
