package com.salesstream.analytics;

import io.restassured.path.json.config.JsonPathConfig;

/** JSON as the tests read it: numbers as BigDecimal, so money is compared to the cent (the default is float). */
final class TestJson {

    static final JsonPathConfig EXACT = new JsonPathConfig(JsonPathConfig.NumberReturnType.BIG_DECIMAL);

    private TestJson() {
    }
}
