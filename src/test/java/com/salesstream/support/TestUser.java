package com.salesstream.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * A user of the service's basic authentication with a password made up for this JVM only: the repository holds no
 * credential. Its configuration is what a users file holds (README, "Access").
 */
public record TestUser(String name, String role, String password) {

    private static final String REALM = "Quarkus";

    /** A user of this role with a fresh random password. */
    public static TestUser withRole(String name, String role) {
        return new TestUser(name, role, UUID.randomUUID().toString());
    }

    /** The embedded realm's entries for this user: its hex(SHA-512("name:Quarkus:password")) and its role. */
    public Map<String, String> config() {
        return Map.of("quarkus.security.users.embedded.users." + name, hash(),
                "quarkus.security.users.embedded.roles." + name, role);
    }

    /** The value of an Authorization header that logs in as this user. */
    public String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A RestAssured request logged in as this user. */
    public RequestSpecification given() {
        return RestAssured.given().header("Authorization", authorization());
    }

    private String hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512")
                    .digest((name + ":" + REALM + ":" + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
