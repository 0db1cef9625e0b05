package com.salesstream.analytics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalToIgnoringCase;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.salesstream.LocalKafkaTopics;
import com.salesstream.SecuredProfile;
import com.salesstream.support.TestUser;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Who may read what, with production's access rules: the page, the figures and their stream need role figures (or
 * orders), a raw order needs role orders, health and metrics need nothing.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
@WithTestResource(LocalKafkaTopics.class)
class AccessQuarkusTest {

    private static final List<String> FIGURES = List.of("/", "/index.html", "/dashboard.js", "/api/sales/today",
            "/api/sales/daily?from=2026-01-01&to=2026-01-31", "/api/sales/stream", "/api/pipeline", "/q/openapi");
    private static final String ORDER = "/api/orders/9223372036854775807";
    private static final List<String> EVERY_READ = Stream.concat(FIGURES.stream(), Stream.of(ORDER)).toList();
    private static final List<String> PLATFORM = List.of("/q/health/live", "/q/health/ready", "/q/metrics");

    @Test
    void withoutCredentialsEverythingButHealthAndMetricsIs401WithABasicChallenge() {
        for (String path : EVERY_READ) {
            given().get(path).then().statusCode(401).header("WWW-Authenticate", equalToIgnoringCase("basic"));
        }
        for (String path : PLATFORM) {
            given().get(path).then().statusCode(200);
        }
    }

    @Test
    void aWrongPasswordIs401() {
        TestUser impostor = new TestUser(SecuredProfile.SUPPORT.name(), "orders", "not-the-password");
        for (String path : EVERY_READ) {
            impostor.given().get(path).then().statusCode(401);
        }
    }

    @Test
    void aUserWithoutARoleIs403Everywhere() {
        for (String path : EVERY_READ) {
            SecuredProfile.OUTSIDER.given().get(path).then().statusCode(403);
        }
    }

    @Test
    void theFiguresRoleReadsTheFiguresButNoOrder() {
        for (String path : FIGURES) {
            if (!path.endsWith("/stream")) {
                SecuredProfile.VIEWER.given().get(path).then().statusCode(200);
            }
        }
        SecuredProfile.VIEWER.given().get(ORDER).then().statusCode(403);
    }

    @Test
    void theOrdersRoleLooksUpOrdersAndReadsTheFigures() {
        SecuredProfile.SUPPORT.given().get(ORDER).then().statusCode(404).contentType("application/problem+json");
        SecuredProfile.SUPPORT.given().get("/api/sales/today").then().statusCode(200);
    }
}
