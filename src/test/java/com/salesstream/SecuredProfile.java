package com.salesstream;

import java.util.HashMap;
import java.util.Map;

import com.salesstream.support.TestUser;

/**
 * {@link NoGeneratorProfile} with the access rules production has (the test profile opens them otherwise) and three
 * users of this JVM: one who reads the figures, one who also looks up orders, one whose only role (guest) neither rule allows.
 */
public class SecuredProfile extends NoGeneratorProfile {

    public static final TestUser VIEWER = TestUser.withRole("viewer", "figures");
    public static final TestUser SUPPORT = TestUser.withRole("support", "orders");
    public static final TestUser OUTSIDER = TestUser.withRole("outsider", "guest");

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        // The test profile's own keys, which win over any unprofiled one.
        config.put("%test.quarkus.http.auth.permission.figures.policy", "figures");
        config.put("%test.quarkus.http.auth.permission.orders.policy", "orders");
        for (TestUser user : new TestUser[] { VIEWER, SUPPORT, OUTSIDER }) {
            config.putAll(user.config());
        }
        return config;
    }
}
