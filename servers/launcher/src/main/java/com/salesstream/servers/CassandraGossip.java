package com.salesstream.servers;

import java.util.List;
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
 * Which nodes a Cassandra node's failure detector holds UP, read over its local JMX port ({@code StorageService}'s
 * {@code LiveNodes}, what {@code nodetool status} shows). CQL has no such view in 5.0: {@code system_views.gossip_info}
 * keeps a dead node's last gossip state, and {@code system.peers} lists every node ever seen.
 */
final class CassandraGossip {

    /** RMI has no overall timeout: a paused node would hold the caller forever. Daemon threads, one call each. */
    private static final ExecutorService CALLS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "cassandra-jmx");
        thread.setDaemon(true);
        return thread;
    });

    private CassandraGossip() {
    }

    /** The live nodes' addresses, e.g. 127.0.2.1; empty when the node does not answer within 10 s. */
    static Set<String> liveNodes(int jmxPort) {
        CompletableFuture<Set<String>> call = CompletableFuture.supplyAsync(() -> read(jmxPort), CALLS);
        try {
            return call.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            call.cancel(true);
            return Set.of();
        }
    }

    private static Set<String> read(int jmxPort) {
        try (JMXConnector jmx = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"))) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            @SuppressWarnings("unchecked")
            List<String> live = (List<String>) server.getAttribute(
                    new ObjectName("org.apache.cassandra.db:type=StorageService"), "LiveNodes");
            return Set.copyOf(live);
        } catch (Exception e) {
            return Set.of();
        }
    }
}
