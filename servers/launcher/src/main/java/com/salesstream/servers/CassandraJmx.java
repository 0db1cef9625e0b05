package com.salesstream.servers;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * What a Cassandra node does over its local JMX port and not over CQL, as {@code nodetool} does it: which nodes its
 * failure detector holds UP ({@code StorageService}'s {@code LiveNodes}, what {@code nodetool status} shows; 5.0's
 * {@code system_views.gossip_info} keeps a dead node's last gossip state), and a full repair of a keyspace.
 */
final class CassandraJmx {

    private static final ObjectName STORAGE_SERVICE = name("org.apache.cassandra.db:type=StorageService");

    /** RMI has no overall timeout: a paused node would hold the caller forever. Daemon threads, one call each. */
    private static final ExecutorService CALLS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "cassandra-jmx");
        thread.setDaemon(true);
        return thread;
    });

    private CassandraJmx() {
    }

    /** The live nodes' addresses, e.g. 127.0.2.1; empty when the node does not answer within 10 s. */
    static Set<String> liveNodes(int jmxPort) {
        return call(jmxPort, server -> {
            @SuppressWarnings("unchecked")
            List<String> live = (List<String>) server.getAttribute(STORAGE_SERVICE, "LiveNodes");
            return Set.copyOf(live);
        }).orElse(Set.of());
    }

    /**
     * Runs a full (not incremental) repair of the keyspace from this node, as {@code nodetool repair -full}, and
     * waits until it has completed; fails when it fails or has not completed within {@code within}.
     */
    static void repair(int jmxPort, String keyspace, Duration within) {
        int command = call(jmxPort, server -> (Integer) server.invoke(STORAGE_SERVICE, "repairAsync",
                new Object[] {keyspace, Map.of("incremental", "false")}, new String[] {String.class.getName(), Map.class.getName()}))
                .orElseThrow(() -> new IllegalStateException("JMX port " + jmxPort + " did not start a repair of " + keyspace));
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            @SuppressWarnings("unchecked")
            List<String> status = call(jmxPort, server -> (List<String>) server.invoke(STORAGE_SERVICE,
                    "getParentRepairStatus", new Object[] {command}, new String[] {int.class.getName()})).orElse(null);
            if (status != null && status.get(0).equals("COMPLETED")) {
                return;
            }
            if (status != null && status.get(0).equals("FAILED")) {
                throw new IllegalStateException("the repair of " + keyspace + " failed: " + status);
            }
            Server.sleepBriefly();
        }
        throw new IllegalStateException("the repair of " + keyspace + " has not completed within " + within);
    }

    private interface Call<T> {
        T on(MBeanServerConnection server) throws Exception;
    }

    /** The call's result; empty when the node does not answer within 10 s or the call fails. */
    private static <T> Optional<T> call(int jmxPort, Call<T> call) {
        CompletableFuture<T> result = CompletableFuture.supplyAsync(() -> {
            try (JMXConnector jmx = JMXConnectorFactory.connect(
                    new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"))) {
                return call.on(jmx.getMBeanServerConnection());
            } catch (Exception e) {
                return null;
            }
        }, CALLS);
        try {
            return Optional.ofNullable(result.get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            result.cancel(true);
            return Optional.empty();
        }
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (Exception e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
