package com.salesstream.servers;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistanceEvaluator;

/**
 * Apache Cassandra: the single node {@code cassandra}, or one node of the local cluster. Both render
 * {@code servers/cassandra/cassandra.yaml}.
 */
final class Cassandra extends Server {

    static final int PORT = 9042;
    static final int STORAGE_PORT = 7000;
    static final int JMX_PORT = 7199;
    static final String DATACENTER = "datacenter1";

    private final ServerJars jars;
    private final String clusterName;
    private final String token;
    /** Every seed's host:port. */
    private final String seeds;
    private final int jmxPort;
    private final String heap;
    /** LOCAL_CASSANDRA=stock applies to the single node only. */
    private final boolean stock;

    /**
     * LOCAL_CASSANDRA=stock: without the tuned section of cassandra.yaml and with upstream's heap size, to measure
     * the pipeline against a stock-configured node (bin/benchmark).
     */
    private static final boolean STOCK = "stock".equals(System.getenv("LOCAL_CASSANDRA"));
    private static final String TUNED = "# Tuned for a 2-core box";

    private Cassandra(String name, Path local, Path dir, String host, String clusterName, String token, String seeds,
            int jmxPort, String heap, boolean stock, ServerJars jars) {
        super(name, local, dir, host, List.of(new InetSocketAddress(host, PORT), new InetSocketAddress(host, STORAGE_PORT),
                new InetSocketAddress("127.0.0.1", jmxPort)), Duration.ofSeconds(240), "logs/system.log");
        this.jars = jars;
        this.clusterName = clusterName;
        this.token = token;
        this.seeds = seeds;
        this.jmxPort = jmxPort;
        this.stock = stock;
        this.heap = stock ? upstreamHeapMegabytes() + "m" : heap;
    }

    /** The single node on 127.0.0.1, as it always was. */
    static Cassandra single(Path local, ServerJars jars) {
        return new Cassandra("cassandra", local, local.resolve("cassandra"), "127.0.0.1", "local-dev", "0",
                "127.0.0.1:" + STORAGE_PORT, JMX_PORT, "512m", STOCK, jars);
    }

    /**
     * Node {@code n} of the local cluster. Its own cluster name: gossip from the single node could never merge into
     * it. Six JVMs share the box, hence the smaller heap.
     */
    static Cassandra clusterNode(int n, Path local, ServerJars jars) {
        return new Cassandra("cassandra-" + n, local, ClusterLayout.dir(local).resolve("cassandra-" + n),
                ClusterLayout.host(n), "local-cluster", ClusterLayout.cassandraToken(n), ClusterLayout.addresses(STORAGE_PORT),
                ClusterLayout.cassandraJmxPort(n), "384m", false, jars);
    }

    @Override
    List<String> prepare() throws IOException {
        for (String folder : List.of("data", "commitlog", "saved_caches", "hints", "cdc_raw", "logs", "triggers")) {
            Files.createDirectories(dir.resolve(folder));
        }
        Path yaml = jars.render("cassandra/cassandra.yaml", dir.resolve("cassandra.yaml"), Map.of("CASSANDRA_DIR", dir,
                "CLUSTER_NAME", clusterName, "INITIAL_TOKEN", token, "SEEDS", seeds, "ADDRESS", host,
                "STORAGE_PORT", STORAGE_PORT, "NATIVE_PORT", PORT));
        if (stock) {
            String tuned = Files.readString(yaml);
            int cut = tuned.indexOf(TUNED);
            if (cut < 0) {
                throw new IllegalStateException("servers/cassandra/cassandra.yaml has no section \"" + TUNED + "\"");
            }
            Files.writeString(yaml, tuned.substring(0, cut));
            LocalServers.log(name + ": stock configuration, heap " + heap);
        }
        List<String> command = new ArrayList<>();
        // As root, Cassandra's mlockall would pin all its memory; without CAP_IPC_LOCK it only logs a warning.
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("setpriv", "--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock", "--"));
        }
        command.add(jars.java());
        // Upstream's JVM flags for Java 17, then heap, agent and paths.
        try (Stream<String> lines = Files.lines(jars.config("cassandra/jvm17.options"))) {
            lines.map(String::strip).filter(line -> line.startsWith("-")).forEach(command::add);
        }
        command.addAll(List.of("-Xms" + heap, "-Xmx" + heap, "-javaagent:" + jars.jar("cassandra", "jamm-"),
                "-Dcassandra-foreground=yes", "-Dcassandra.config=file://" + yaml, "-Dcassandra.storagedir=" + dir,
                "-Dcassandra.logdir=" + dir.resolve("logs"),
                "-Dlogback.configurationFile=" + jars.config("cassandra/logback.xml"),
                "-Dcassandra.jmx.local.port=" + jmxPort, "-Dcassandra.triggers_dir=" + dir.resolve("triggers"),
                "-Dcassandra.skip_wait_for_gossip_to_settle=0", "-Dchronicle.analytics.disable=true",
                "-XX:HeapDumpPath=" + dir.resolve("logs"), "-XX:ErrorFile=" + dir.resolve("logs/hs_err_%p.log"),
                "-cp", jars.classpath("cassandra"), "org.apache.cassandra.service.CassandraDaemon"));
        return command;
    }

    /** As upstream's cassandra-env.sh sizes the heap: max(min(RAM / 2, 1 GiB), min(RAM / 4, 8 GiB)). */
    private static long upstreamHeapMegabytes() {
        long ram = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() >> 20;
        return Math.max(Math.min(ram / 2, 1024), Math.min(ram / 4, 8192));
    }

    @Override
    boolean answers() {
        try (CqlSession session = sessionTo(address())) {
            session.execute("SELECT release_version FROM system.local");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The nodes this one's failure detector holds UP, itself included (as nodetool status shows them). */
    Set<String> liveNodes() {
        return CassandraJmx.liveNodes(jmxPort);
    }

    /** A full repair of the keyspace from this node, awaited ({@code nodetool repair -full}). */
    void repair(String keyspace, Duration within) {
        CassandraJmx.repair(jmxPort, keyspace, within);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(host, PORT);
    }

    /** A short-lived session to the single node. */
    static CqlSession session() {
        return session(List.of(new InetSocketAddress("127.0.0.1", PORT)), null);
    }

    /** A short-lived session whose every request goes to this node alone (a read at ONE reads that node's data). */
    static CqlSession sessionTo(InetSocketAddress node) {
        return session(List.of(node), (candidate, datacenter) -> candidate.getEndPoint().resolve().equals(node)
                ? null : NodeDistance.IGNORED);
    }

    /**
     * A short-lived session: no schema or token metadata, no Netty quiet period on close. The evaluator, when given,
     * decides which nodes it uses ({@code null}: the default policy's choice).
     */
    static CqlSession session(List<InetSocketAddress> contactPoints, NodeDistanceEvaluator nodes) {
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                .build();
        CqlSessionBuilder builder = CqlSession.builder().addContactPoints(contactPoints).withLocalDatacenter(DATACENTER)
                .withConfigLoader(config);
        return (nodes == null ? builder : builder.withNodeDistanceEvaluator(nodes)).build();
    }
}
