package com.salesstream.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.datastax.oss.driver.api.core.CqlSession;

/**
 * The local cluster, beside the single nodes: three Kafka nodes {@code kafka-1..3} (each broker and controller,
 * replication 3, min ISR 2) and three Cassandra nodes {@code cassandra-1..3} (one token each, all seeds), node N on
 * 127.0.2.N, files under {@code .local/cluster/}. Each node can be stopped, killed, paused and started again by name,
 * for fault tests; a node started again keeps its data.
 */
public final class LocalCluster {

    /** The Kafka bootstrap list: {@code 127.0.2.1:9092,127.0.2.2:9092,127.0.2.3:9092}. */
    public static final String KAFKA = ClusterLayout.addresses(Kafka.PORT);
    /** The Cassandra contact points: {@code 127.0.2.1:9042,127.0.2.2:9042,127.0.2.3:9042}. */
    public static final String CASSANDRA = ClusterLayout.addresses(Cassandra.PORT);
    public static final String CASSANDRA_DATACENTER = Cassandra.DATACENTER;
    public static final List<String> KAFKA_NODES = ClusterLayout.nodes().stream().map(n -> "kafka-" + n).toList();
    public static final List<String> CASSANDRA_NODES = ClusterLayout.nodes().stream().map(n -> "cassandra-" + n).toList();

    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final Path dir;
    private final ServerJars jars;
    private final Map<String, Kafka> kafka = new LinkedHashMap<>();
    private final Map<String, Cassandra> cassandra = new LinkedHashMap<>();

    LocalCluster(Path local, ServerJars jars) {
        this.dir = ClusterLayout.dir(local);
        this.jars = jars;
        for (int n : ClusterLayout.nodes()) {
            kafka.put("kafka-" + n, Kafka.clusterNode(n, local, jars));
            cassandra.put("cassandra-" + n, Cassandra.clusterNode(n, local, jars));
        }
    }

    /** The cluster of the project whose folder holds the working directory. */
    public static LocalCluster ofThisProject() {
        return LocalServers.ofThisProject().cluster();
    }

    /** The properties that point a Quarkus build of the service at the cluster (MySQL stays the single MariaDB). */
    public static Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>(LocalServers.quarkusConfig());
        config.put("kafka.bootstrap.servers", KAFKA);
        config.put("quarkus.cassandra.contact-points", CASSANDRA);
        config.put("sales.cassandra.replication-factor", Integer.toString(ClusterLayout.SIZE));
        return config;
    }

    /** Starts every node not running yet, all at once (fixed tokens, no bootstrap), and waits until all are ready. */
    public void start() {
        locked(() -> {
            long started = System.nanoTime();
            jars.resolve(List.of("kafka", "cassandra"));
            // Cassandra first: it takes longest to boot.
            List<Server> nodes = new ArrayList<>(cassandra.values());
            nodes.addAll(kafka.values());
            for (Server node : nodes) {
                launchUnlessRunning(node);
            }
            for (Server node : nodes) {
                node.awaitReady(() -> readyNow(node));
            }
            if (Kafka.brokers(KAFKA).size() != ClusterLayout.SIZE) {
                throw new IllegalStateException("the Kafka nodes are up but " + KAFKA + " does not list all " + ClusterLayout.SIZE);
            }
            LocalServers.log("cluster: ready (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) / 1000.0 + " s)");
        });
    }

    /** Stops every node: the Cassandra nodes in parallel, the Kafka nodes one after another (see {@link #stopKafka}). */
    public void stop() {
        locked(() -> {
            List<CompletableFuture<Void>> stops = new ArrayList<>(cassandra.values().stream()
                    .map(node -> CompletableFuture.runAsync(node::stop)).toList());
            stops.add(CompletableFuture.runAsync(() -> kafka.values().forEach(this::stopKafka)));
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        });
    }

    /** Whether every node is ready: the three brokers registered, each Cassandra node seeing the two others UP. */
    public boolean ready() {
        if (!kafka.values().stream().allMatch(this::readyNow)
                || !cassandra.values().stream().allMatch(node -> running(node) && node.ready())) {
            return false;
        }
        // Each node's view read once (JMX connections are slow on a busy box), not once per pair.
        Set<String> hosts = cassandra.values().stream().map(node -> node.host).collect(Collectors.toSet());
        return cassandra.values().stream().allMatch(node -> node.liveNodes().containsAll(hosts));
    }

    /** Starts one node (resumes it when paused) and waits until it is ready; it keeps its data. */
    public void start(String node) {
        Server server = node(node);
        locked(() -> {
            jars.resolve(List.of(server instanceof Kafka ? "kafka" : "cassandra"));
            launchUnlessRunning(server);
            server.awaitReady(() -> readyNow(server));
        });
    }

    /** Stops one node: SIGTERM (after SIGCONT when paused), SIGKILL after a bound. */
    public void stop(String node) {
        Server server = node(node);
        locked(() -> {
            if (server instanceof Kafka broker) {
                stopKafka(broker);
            } else {
                server.stop();
            }
        });
    }

    public void restart(String node) {
        stop(node);
        start(node);
    }

    /** Waits until the node is {@link #ready(String)} (e.g. after {@link #resume}), failing after its start timeout. */
    public void awaitReady(String node) {
        Server server = node(node);
        server.awaitReady(() -> readyNow(server));
    }

    /** SIGKILL: a crash. */
    public void kill(String node) {
        Server server = node(node);
        locked(server::kill);
    }

    /** SIGSTOP: the node hangs with its sockets open, as in a long GC pause. */
    public void pause(String node) {
        Server server = node(node);
        locked(server::pause);
    }

    /** SIGCONT after {@link #pause}. */
    public void resume(String node) {
        Server server = node(node);
        locked(server::resume);
    }

    public boolean paused(String node) {
        return node(node).paused();
    }

    /**
     * Whether this node serves: a Kafka node is registered among the live brokers; a Cassandra node answers CQL, and
     * it and every other running Cassandra node see each other UP.
     */
    public boolean ready(String node) {
        return readyNow(node(node));
    }

    /**
     * A full repair of the keyspace from this Cassandra node ({@code nodetool repair -full}), awaited: every replica
     * then holds every row any replica holds. Every node must be up.
     */
    public void repair(String node, String keyspace) {
        cassandraNode(node).repair(keyspace, Duration.ofMinutes(5));
    }

    /** A session whose every request goes to this Cassandra node alone (at ONE it reads that node's own data). */
    public CqlSession session(String node) {
        return Cassandra.sessionTo(cassandraNode(node).address());
    }

    /** A session to the whole cluster. */
    public static CqlSession session() {
        return Cassandra.session(ClusterLayout.nodes().stream()
                .map(n -> new InetSocketAddress(ClusterLayout.host(n), Cassandra.PORT)).toList(), null);
    }

    /** A line per node named; none named: every node, then what the nodes see of each other. True when all are ready. */
    boolean status(List<String> lines, String... names) {
        boolean ready = true;
        List<Server> chosen = names.length == 0 ? nodes() : Stream.of(names).map(this::node).toList();
        for (Server node : chosen) {
            boolean up = readyNow(node);
            lines.add(node.status(node.process(), up));
            ready &= up;
        }
        if (names.length > 0) {
            return ready;
        }
        List<String> brokers = Kafka.brokers(KAFKA).stream().map(broker -> broker.host()).sorted().toList();
        lines.add("Kafka brokers registered: " + brokers.size() + "/" + ClusterLayout.SIZE + " " + brokers);
        for (Cassandra node : cassandra.values()) {
            if (running(node)) {
                lines.add(node.name + " sees UP: " + node.liveNodes().stream().sorted().toList());
            }
        }
        return ready && brokers.size() == ClusterLayout.SIZE;
    }

    static boolean isNode(String name) {
        return KAFKA_NODES.contains(name) || CASSANDRA_NODES.contains(name);
    }

    private boolean readyNow(Server node) {
        if (!running(node) || !node.ready()) {
            return false;
        }
        return !(node instanceof Cassandra one) || seenByRunningPeers(one);
    }

    /** It sees every other running Cassandra node UP, and each of them sees it UP. */
    private boolean seenByRunningPeers(Cassandra node) {
        List<Cassandra> peers = cassandra.values().stream().filter(peer -> peer != node && running(peer)).toList();
        Set<String> seen = node.liveNodes();
        return peers.stream().allMatch(peer -> seen.contains(peer.host) && peer.liveNodes().contains(node.host));
    }

    /**
     * A Kafka node stops only once the controller quorum approves its controlled shutdown (Kafka waits up to 5
     * minutes). With no other voter running, no quorum ever will: the last node gets a short bound, then SIGKILL
     * (its log, in the page cache, is recovered at its next start). Stopping the nodes together is no cure: the
     * last one loses the quorum while its approval is in flight.
     */
    private void stopKafka(Kafka node) {
        boolean quorum = kafka.values().stream().anyMatch(other -> other != node && running(other));
        node.stop(quorum ? Server.STOP_TIMEOUT : Duration.ofSeconds(10));
    }

    /** Running and not paused. */
    private static boolean running(Server node) {
        return node.process().isPresent() && !node.paused();
    }

    private void launchUnlessRunning(Server node) throws IOException {
        if (node.process().isEmpty()) {
            node.launch();
        } else if (node.paused()) {
            node.resume();
        }
    }

    private List<Server> nodes() {
        List<Server> nodes = new ArrayList<>(kafka.values());
        nodes.addAll(cassandra.values());
        return nodes;
    }

    private Server node(String name) {
        Server node = kafka.containsKey(name) ? kafka.get(name) : cassandra.get(name);
        if (node == null) {
            throw new IllegalArgumentException("unknown cluster node '" + name + "' (expected: "
                    + nodes().stream().map(server -> server.name).collect(Collectors.joining(" ")) + ")");
        }
        return node;
    }

    private Cassandra cassandraNode(String name) {
        if (!(node(name) instanceof Cassandra node)) {
            throw new IllegalArgumentException(name + " is no Cassandra node (expected one of " + CASSANDRA_NODES + ")");
        }
        return node;
    }

    private interface Action {
        void run() throws IOException;
    }

    /**
     * One cluster operation at a time, across this JVM and other processes; its own lock file, so the single nodes'
     * starts and stops never wait for the cluster's.
     */
    private void locked(Action action) {
        IN_PROCESS.lock();
        try {
            Files.createDirectories(dir);
            try (FileChannel file = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = file.lock()) {
                action.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            IN_PROCESS.unlock();
        }
    }
}
