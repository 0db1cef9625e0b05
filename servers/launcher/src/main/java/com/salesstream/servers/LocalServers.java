package com.salesstream.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;


/**
 * The servers this project runs for development and tests, without Docker: Kafka, Cassandra and its own MariaDB,
 * each a child process with its jars, data and logs under {@code .local/}, and beside them the local cluster
 * ({@link #cluster()}). {@code bin/local-servers} runs {@link #main}; the tests call {@link #start} through their
 * Quarkus test resource.
 */
public final class LocalServers {

    public static final String KAFKA = Kafka.bootstrapServers();
    public static final int CASSANDRA_PORT = Cassandra.PORT;
    public static final String CASSANDRA = "127.0.0.1:" + CASSANDRA_PORT;
    public static final String CASSANDRA_DATACENTER = Cassandra.DATACENTER;
    public static final int MARIADB_PORT = MariaDb.PORT;
    public static final String MARIADB_JDBC = MariaDb.jdbcUrl(MariaDb.DATABASE);
    /** The tests' own database (see {@link #testData()}). */
    public static final String TEST_DATABASE = MariaDb.TEST_DATABASE;
    public static final String MARIADB_TEST_JDBC = MariaDb.jdbcUrl(TEST_DATABASE);
    /** The tests' own keyspace. */
    public static final String TEST_KEYSPACE = "sales_test";
    public static final String DB_USER = MariaDb.USER;
    public static final String DB_PASSWORD = MariaDb.PASSWORD;

    /** The local cluster's addresses (see {@link LocalCluster}): three Kafka and three Cassandra nodes on 127.0.2.1-3. */
    public static final String CLUSTER_KAFKA = LocalCluster.KAFKA;
    public static final String CLUSTER_CASSANDRA = LocalCluster.CASSANDRA;

    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final Path local;
    private final ServerJars jars;
    private final Map<String, Server> servers = new LinkedHashMap<>();
    private final LocalCluster cluster;

    private LocalServers(Path root) {
        // Real path: a git worktree whose .local links to the main checkout's shares its servers.
        this.local = realPath(root.resolve(".local"));
        this.jars = new ServerJars(root);
        servers.put("kafka", Kafka.single(local, jars));
        servers.put("cassandra", Cassandra.single(local, jars));
        servers.put("mariadb", new MariaDb(local));
        this.cluster = new LocalCluster(local, jars);
    }

    private static Path realPath(Path path) {
        try {
            return Files.exists(path) ? path.toRealPath() : path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The servers of the project whose folder holds the working directory. */
    public static LocalServers ofThisProject() {
        Path folder = Path.of("").toAbsolutePath();
        while (!Files.exists(folder.resolve("servers/launcher"))) {
            folder = folder.getParent();
            if (folder == null) {
                throw new IllegalStateException("not inside the project: no servers/launcher above " + Path.of("").toAbsolutePath());
            }
        }
        return new LocalServers(folder);
    }

    /** The properties that point a Quarkus build of the service at these servers. */
    public static Map<String, String> quarkusConfig() {
        return Map.of("kafka.bootstrap.servers", KAFKA,
                "quarkus.cassandra.contact-points", CASSANDRA,
                "quarkus.datasource.reactive.url", mysqlUrl(MariaDb.DATABASE),
                "quarkus.datasource.jdbc.url", MARIADB_JDBC,
                "quarkus.datasource.username", DB_USER,
                "quarkus.datasource.password", DB_PASSWORD);
    }

    /**
     * What a test points the service at instead of the developer's data: the tests' own database and keyspace,
     * over {@link #quarkusConfig()} or {@link LocalCluster#quarkusConfig()}.
     */
    public static Map<String, String> testData() {
        return Map.of("quarkus.datasource.reactive.url", mysqlUrl(TEST_DATABASE),
                "quarkus.datasource.jdbc.url", MARIADB_TEST_JDBC,
                "sales.cassandra.keyspace", TEST_KEYSPACE);
    }

    /** {@link #quarkusConfig()} for the local cluster: its Kafka and Cassandra, the single MariaDB. */
    public static Map<String, String> quarkusClusterConfig() {
        return LocalCluster.quarkusConfig();
    }

    /** The local cluster, beside these single nodes. */
    public LocalCluster cluster() {
        return cluster;
    }

    /** Starts the local cluster (see {@link LocalCluster#start()}). */
    public void startCluster() {
        cluster.start();
    }

    /** The local MariaDB's JDBC URL of this database ("" for none). */
    public static String jdbcUrl(String database) {
        return MariaDb.jdbcUrl(database);
    }

    /** The reactive MySQL client's URL of this database of the local MariaDB. */
    public static String mysqlUrl(String database) {
        return "mysql://127.0.0.1:" + MARIADB_PORT + "/" + database;
    }

    /** Starts those not running yet (all when none is named): launches them all, then waits for each. */
    public void start(String... names) {
        locked(() -> {
            List<Server> starting = new ArrayList<>();
            jars.resolve(chosen(names).stream().filter(server -> !(server instanceof MariaDb) && server.process().isEmpty())
                    .map(server -> server.name).toList());
            for (Server server : chosen(names)) {
                if (server.process().isPresent()) {
                    if (!server.ready()) {
                        starting.add(server);
                    }
                    continue;
                }
                server.launch();
                starting.add(server);
            }
            starting.forEach(Server::awaitReady);
            chosen(names).forEach(Server::provision);
        });
    }

    /** Stops ours, in parallel (Cassandra takes seconds to drain). */
    public void stop(String... names) {
        locked(() -> CompletableFuture.allOf(chosen(names).stream()
                .map(server -> CompletableFuture.runAsync(server::stop)).toArray(CompletableFuture[]::new)).join());
    }

    /** A line per server, and whether all are up. */
    boolean status(List<String> lines, String... names) {
        boolean up = true;
        for (Server server : chosen(names)) {
            Optional<ProcessHandle> process = server.process();
            boolean ready = process.isPresent() && server.ready();
            lines.add(server.status(process, ready));
            up &= ready;
        }
        return up;
    }

    private List<Server> chosen(String... names) {
        if (names.length == 0) {
            return List.copyOf(servers.values());
        }
        List<Server> chosen = new ArrayList<>();
        for (String name : names) {
            Server server = servers.get(name);
            if (server == null) {
                throw new IllegalArgumentException("unknown server '" + name + "' (expected: " + String.join(" ", servers.keySet()) + ")");
            }
            chosen.add(server);
        }
        return chosen;
    }

    private interface Action {
        void run() throws IOException;
    }

    /** One start or stop at a time, across this JVM (the fault tests) and other processes (bin/local-servers). */
    private void locked(Action action) {
        IN_PROCESS.lock();
        try {
            Files.createDirectories(local);
            try (FileChannel file = FileChannel.open(local.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = file.lock()) {
                action.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            IN_PROCESS.unlock();
        }
    }

    static void log(String message) {
        System.out.println("[local-servers] " + message);
    }

    /** {@code bin/local-servers}: see {@link LocalServersCommand}. */
    public static void main(String[] args) throws Exception {
        LocalServersCommand.main(args);
    }

    int kafkaTool(String... arguments) throws IOException, InterruptedException {
        if (arguments.length == 0) {
            throw new IllegalArgumentException("kafka-tool needs a main class, e.g. org.apache.kafka.tools.TopicCommand");
        }
        jars.resolve(List.of("kafka"));
        List<String> command = new ArrayList<>(jars.toolCommand("kafka", arguments[0]));
        command.addAll(List.of(arguments).subList(1, arguments.length));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
