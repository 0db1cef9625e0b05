package com.salesstream.support;

import java.util.Map;

import com.salesstream.servers.LocalServers;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Every {@code @QuarkusTest} runs against the project's own servers: this starts those not running yet and points
 * the service at them. They are left running for the next test run (and the fault ITs); {@code bin/local-servers
 * stop} ends them.
 */
@WithTestResource(value = LocalServersResource.class, scope = TestResourceScope.GLOBAL)
public class LocalServersResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        LocalServers.ofThisProject().start();
        return LocalServers.quarkusConfig();
    }

    @Override
    public void stop() {
        // Left running on purpose: a Cassandra start costs tens of seconds, and the next run reuses it.
    }
}
