package com.salesstream.support;

import java.util.HashMap;
import java.util.Map;

import com.salesstream.servers.LocalServers;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Every {@code @QuarkusTest} runs against the project's own servers: this starts those not running yet and points
 * the service at them, in the tests' own database and keyspace (the developer's {@code sales} stays untouched). They are left running for the next test run (and the fault ITs); {@code bin/local-servers
 * stop} ends them.
 */
@WithTestResource(value = LocalServersResource.class, scope = TestResourceScope.GLOBAL)
public class LocalServersResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        LocalServers.ofThisProject().start();
        Map<String, String> config = new HashMap<>(LocalServers.quarkusConfig());
        config.putAll(LocalServers.testData());
        return config;
    }

    /** First of a test's resources: the others (LocalKafkaTopics) need the servers up. */
    @Override
    public int order() {
        return Integer.MIN_VALUE;
    }

    @Override
    public void stop() {
        // Left running on purpose: a Cassandra start costs tens of seconds, and the next run reuses it.
    }
}
