package com.salesstream.servers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka in KRaft mode, each node a broker that is also a controller: the single node {@code kafka}, or one
 * node of the local cluster. Both render {@code servers/kafka/server.properties}.
 */
final class Kafka extends Server {

    static final int PORT = 9092;
    static final int CONTROLLER_PORT = 9093;

    private final ServerJars jars;
    private final int nodeId;
    /** {@code controller.quorum.voters}: the node itself, or every node of the cluster. */
    private final String voters;
    /** Default and internal topics' replication factor; min ISR is one less (never below 1). */
    private final int replication;
    /** Holds the KRaft cluster id, shared by the nodes of one cluster. */
    private final Path clusterIdFile;
    private final List<String> heap;

    private Kafka(String name, Path local, Path dir, String host, int nodeId, String voters, int replication,
            Path clusterIdFile, List<String> heap, Duration startTimeout, ServerJars jars) {
        super(name, local, dir, host, List.of(new InetSocketAddress(host, PORT), new InetSocketAddress(host, CONTROLLER_PORT)),
                startTimeout, "server.log");
        this.jars = jars;
        this.nodeId = nodeId;
        this.voters = voters;
        this.replication = replication;
        this.clusterIdFile = clusterIdFile;
        this.heap = heap;
    }

    /** The single node on 127.0.0.1, as it always was. */
    static Kafka single(Path local, ServerJars jars) {
        Path dir = local.resolve("kafka");
        return new Kafka("kafka", local, dir, "127.0.0.1", 1, "1@127.0.0.1:" + CONTROLLER_PORT, 1,
                dir.resolve("cluster.id"), List.of("-Xms256m", "-Xmx512m"), Duration.ofSeconds(90), jars);
    }

    /**
     * Node {@code n} of the local cluster: six JVMs share the box, hence the smaller heap and the longer bound to
     * rejoin (a node restarted under load on a slow 2-core CI machine took over 90 s).
     */
    static Kafka clusterNode(int n, Path local, ServerJars jars) {
        Path cluster = ClusterLayout.dir(local);
        return new Kafka("kafka-" + n, local, cluster.resolve("kafka-" + n), ClusterLayout.host(n), n,
                ClusterLayout.kafkaVoters(CONTROLLER_PORT), ClusterLayout.SIZE, cluster.resolve("kafka-cluster.id"),
                List.of("-Xms256m", "-Xmx256m"), Duration.ofSeconds(180), jars);
    }

    @Override
    List<String> prepare() throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path properties = jars.render("kafka/server.properties", dir.resolve("server.properties"), Map.of(
                "KAFKA_DATA", data, "NODE_ID", nodeId, "HOST", host, "PORT", PORT, "CONTROLLER_PORT", CONTROLLER_PORT,
                "QUORUM_VOTERS", voters, "REPLICATION_FACTOR", replication, "MIN_ISR", Math.max(1, replication - 1)));
        format(data, properties);
        List<String> command = new ArrayList<>(List.of(jars.java(), "-server"));
        command.addAll(heap);
        command.addAll(List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
                "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true", "-Dkafka.logs.dir=" + dir,
                "-Dlog4j2.configurationFile=" + jars.config("kafka/log4j2.xml"),
                "-cp", jars.classpath("kafka"), "kafka.Kafka", properties.toString()));
        return command;
    }

    /** Formats the KRaft storage once, with a cluster id generated once and kept beside it. */
    private void format(Path data, Path properties) throws IOException {
        if (Files.exists(data.resolve("meta.properties"))) {
            return;
        }
        synchronized (Kafka.class) {
            if (!Files.exists(clusterIdFile)) {
                Files.writeString(clusterIdFile, Uuid.randomUuid().toString());
            }
        }
        String clusterId = Files.readString(clusterIdFile).trim();
        LocalServers.log(name + ": formatting storage (cluster id " + clusterId + ")");
        jars.runTool(dir.resolve("format.log"), "kafka", "kafka.tools.StorageTool", "format", "--ignore-formatted",
                "-t", clusterId, "-c", properties.toString());
    }

    /** Registered: the broker's own metadata lists it among the live brokers. */
    @Override
    boolean answers() {
        return brokers(bootstrapServers(host)).stream().anyMatch(node -> node.id() == nodeId);
    }

    /** The live brokers as the server(s) at this bootstrap list see them; empty when none answers. */
    static List<Node> brokers(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
            return List.copyOf(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            return List.of();
        }
    }

    static String bootstrapServers() {
        return bootstrapServers("127.0.0.1");
    }

    static String bootstrapServers(String host) {
        return host + ":" + PORT;
    }
}
