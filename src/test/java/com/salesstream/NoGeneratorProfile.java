package com.salesstream;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The test profile without the generator: only what a test produces reaches today's figures. */
public class NoGeneratorProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sales.generator.enabled", "false");
    }
}
