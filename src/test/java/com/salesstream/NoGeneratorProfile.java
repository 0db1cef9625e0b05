package com.salesstream;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The test profile without the generator, so that only what a test produces reaches today's figures, and with the
 * catalog read every second.
 */
public class NoGeneratorProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sales.generator.enabled", "false", "sales.catalog.refresh", "1s");
    }
}
