package com.salesstream.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.salesstream.servers.LocalCluster;
import com.salesstream.servers.LocalServers;
import com.salesstream.support.LocalStores;

/**
 * The servers a benchmark run measures: the local single nodes (replication 1), or the local cluster (three brokers
 * and three Cassandra nodes, replication 3). MySQL is the single local MariaDB either way.
 */
record BenchTarget(String name, String kafka, String cassandra, int replication, Map<String, String> serviceConfig,
        List<String> servers) {

    static BenchTarget singleNodes() {
        return new BenchTarget("single nodes, replication 1", LocalServers.KAFKA, LocalServers.CASSANDRA, 1, Map.of(),
                List.of("kafka", "cassandra", "mariadb"));
    }

    static BenchTarget cluster() {
        List<String> servers = Stream.concat(Stream.concat(LocalCluster.KAFKA_NODES.stream(),
                LocalCluster.CASSANDRA_NODES.stream()), Stream.of("mariadb")).toList();
        return new BenchTarget("cluster of 3 + 3, replication 3", LocalCluster.KAFKA, LocalCluster.CASSANDRA, 3,
                LocalCluster.quarkusConfig(), servers);
    }

    /** Reads of the checks: QUORUM on the cluster, as the service writes. */
    LocalStores stores() {
        List<InetSocketAddress> points = Stream.of(cassandra.split(","))
                .map(point -> new InetSocketAddress(point.substring(0, point.indexOf(':')),
                        Integer.parseInt(point.substring(point.indexOf(':') + 1))))
                .toList();
        ConsistencyLevel consistency = replication > 1 ? DefaultConsistencyLevel.QUORUM : DefaultConsistencyLevel.ONE;
        return new LocalStores(points, consistency);
    }

    /** The PID of each server process, by name, from the launcher's PID files. */
    Map<String, Long> serverPids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String server : servers) {
            Path dir = server.contains("-") ? Path.of(".local", "cluster", server) : Path.of(".local", server);
            try {
                pids.put(server, Long.parseLong(Files.readString(dir.resolve(server + ".pid")).trim()));
            } catch (Exception e) {
                throw new IllegalStateException(server + " is not running (no PID file in " + dir + ")", e);
            }
        }
        return pids;
    }
}
