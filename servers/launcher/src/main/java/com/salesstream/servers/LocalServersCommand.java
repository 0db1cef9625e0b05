package com.salesstream.servers;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;

/** The command line of {@code bin/local-servers}: the single nodes, the local cluster and their clients. */
final class LocalServersCommand {

    static final String USAGE = """
            Usage: bin/local-servers start|stop|restart|status [kafka|cassandra|mariadb ...]   (default: all three)
                   bin/local-servers start|stop|restart|status --cluster   the local cluster, all six nodes
                   bin/local-servers start|stop|restart|status NODE ...    one node of the cluster, e.g. stop kafka-2
                   bin/local-servers kill|pause|resume NODE ...            SIGKILL | SIGSTOP | SIGCONT one node of the cluster
                   bin/local-servers cql [--node NODE | --cluster] [--consistency LEVEL] 'CQL statement' ...
                                                                        runs each statement (on the single node, on
                                                                        one node of the cluster alone, or on the
                                                                        cluster; default consistency LOCAL_ONE)
                   bin/local-servers sql 'SQL statement' ...            the same on MariaDB's sales database
                   bin/local-servers kafka-tool MainClass [args ...]    e.g. org.apache.kafka.tools.TopicCommand --list ...
                   bin/local-servers env [--cluster]                    the packaged service's settings for these
                                                                        servers (or the cluster), as export lines:
                                                                        eval "$(bin/local-servers env)"

              kafka      127.0.0.1:9092 (controller 9093), KRaft, one node
              cassandra  127.0.0.1:9042 (storage 7000, JMX 7199), one node
              mariadb    127.0.0.1:3307, the project's own (not the machine's): database sales, user sales

              The cluster (--cluster), beside them; node N listens on 127.0.2.N, files in .local/cluster/NODE/:
              kafka-1..3      127.0.2.N:9092 (controller 9093), each broker and controller; replication 3, min ISR 2
              cassandra-1..3  127.0.2.N:9042 (storage 7000, JMX 127.0.0.1:7199+100*N), one token each, datacenter1
              Bootstrap: %s   Contact points: %s

            Jars come from Maven Central (servers/pom.xml); jars, data, logs and PID files live in .local/.
            Environment: SALES_DB_PASSWORD (the sales user's, default sales), LOCAL_SERVERS_JAVA (the servers' java),
            LOCAL_CASSANDRA=stock (the single Cassandra with upstream's heap, caches, memtables and concurrency instead
            of the project's tuning, to benchmark against: LOCAL_CASSANDRA=stock bin/local-servers restart cassandra),
            LOCAL_MARIADB=instrumented (MariaDB with its performance schema, as bin/api-benchmark restarts it)."""
            .formatted(LocalCluster.KAFKA, LocalCluster.CASSANDRA);

    private static final String CLUSTER = "--cluster";

    private final LocalServers servers;

    private LocalServersCommand(LocalServers servers) {
        this.servers = servers;
    }

    static void main(String[] args) throws Exception {
        if (args.length == 0 || isHelp(args[0]) || (args.length > 1 && List.of("-h", "--help").contains(args[1]))) {
            System.out.println(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        int exit;
        try {
            exit = new LocalServersCommand(LocalServers.ofThisProject()).run(args[0], Arrays.copyOfRange(args, 1, args.length));
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException | SQLException
                | DriverException e) {
            System.err.println("[local-servers] ERROR: " + e.getMessage());
            exit = 1;
        }
        // The drivers' non-daemon threads would otherwise keep this JVM alive.
        System.exit(exit);
    }

    /** Also as a command's first argument: {@code sql --help} prints this, it does not run "--help" as SQL. */
    private static boolean isHelp(String arg) {
        return List.of("-h", "--help", "help").contains(arg);
    }

    private int run(String command, String... rest) throws Exception {
        LocalCluster cluster = servers.cluster();
        switch (command) {
            case "start", "stop", "restart" -> {
                Consumer<String[]> single = command.equals("start") ? servers::start
                        : command.equals("stop") ? servers::stop : names -> {
                            servers.stop(names);
                            servers.start(names);
                        };
                if (isCluster(rest)) {
                    if (!command.equals("start")) {
                        cluster.stop();
                    }
                    if (!command.equals("stop")) {
                        cluster.start();
                    }
                    return 0;
                }
                Consumer<String> node = command.equals("start") ? cluster::start
                        : command.equals("stop") ? cluster::stop : cluster::restart;
                String[] singles = singles(rest);
                if (singles.length > 0 || rest.length == 0) {
                    single.accept(singles);
                }
                nodes(rest).forEach(node);
                return 0;
            }
            case "kill", "pause", "resume" -> {
                if (rest.length == 0 || singles(rest).length > 0) {
                    throw new IllegalArgumentException(command + " takes nodes of the cluster: " + LocalCluster.KAFKA_NODES
                            + " " + LocalCluster.CASSANDRA_NODES);
                }
                Consumer<String> node = command.equals("kill") ? cluster::kill
                        : command.equals("pause") ? cluster::pause : cluster::resume;
                nodes(rest).forEach(node);
                return 0;
            }
            case "status" -> {
                List<String> lines = new ArrayList<>();
                boolean up = true;
                if (isCluster(rest)) {
                    up = cluster.status(lines);
                } else {
                    String[] singles = singles(rest);
                    if (singles.length > 0 || rest.length == 0) {
                        up = servers.status(lines, singles);
                    }
                    if (!nodes(rest).isEmpty()) {
                        up &= cluster.status(lines, nodes(rest).toArray(String[]::new));
                    }
                }
                lines.forEach(System.out::println);
                return up ? 0 : 1;
            }
            case "cql" -> {
                cql(cluster, rest);
                return 0;
            }
            case "sql" -> {
                sql(rest);
                return 0;
            }
            case "kafka-tool" -> {
                return servers.kafkaTool(rest);
            }
            case "env" -> {
                Map<String, String> config = isCluster(rest) ? LocalServers.quarkusClusterConfig() : LocalServers.quarkusConfig();
                config.forEach((key, value) -> System.out.println("export " + key.toUpperCase(Locale.ROOT)
                        .replaceAll("[^A-Z0-9]", "_") + "='" + value.replace("'", "'\\''") + "'"));
                return 0;
            }
            default -> {
                System.err.println("unknown command '" + command + "'\n" + USAGE);
                return 2;
            }
        }
    }

    private static boolean isCluster(String... args) {
        if (List.of(args).contains(CLUSTER) && args.length > 1) {
            throw new IllegalArgumentException(CLUSTER + " means all the cluster's nodes: name none beside it");
        }
        return args.length == 1 && args[0].equals(CLUSTER);
    }

    private static String[] singles(String... names) {
        return Arrays.stream(names).filter(name -> !LocalCluster.isNode(name)).toArray(String[]::new);
    }

    private static List<String> nodes(String... names) {
        return Arrays.stream(names).filter(LocalCluster::isNode).toList();
    }

    /** cql [--node NODE | --cluster] [--consistency LEVEL] statement ... */
    private static void cql(LocalCluster cluster, String... args) {
        String node = null;
        boolean wholeCluster = false;
        DefaultConsistencyLevel consistency = DefaultConsistencyLevel.LOCAL_ONE;
        int next = 0;
        for (; next < args.length && args[next].startsWith("--"); next++) {
            switch (args[next]) {
                case "--node" -> node = value(args, ++next, "--node");
                case CLUSTER -> wholeCluster = true;
                case "--consistency" -> consistency = DefaultConsistencyLevel.valueOf(
                        value(args, ++next, "--consistency").toUpperCase(Locale.ROOT));
                default -> throw new IllegalArgumentException("unknown cql option " + args[next] + "\n" + USAGE);
            }
        }
        try (CqlSession session = node != null ? cluster.session(node)
                : wholeCluster ? LocalCluster.session() : Cassandra.session()) {
            for (String statement : Arrays.copyOfRange(args, next, args.length)) {
                for (Row row : session.execute(SimpleStatement.newInstance(statement).setConsistencyLevel(consistency))) {
                    List<String> values = new ArrayList<>();
                    for (int column = 0; column < row.getColumnDefinitions().size(); column++) {
                        values.add(String.valueOf(row.getObject(column)));
                    }
                    System.out.println(String.join("|", values));
                }
            }
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(LocalServers.MARIADB_JDBC, LocalServers.DB_USER,
                LocalServers.DB_PASSWORD); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                if (statement.execute(sql)) {
                    try (ResultSet rows = statement.getResultSet()) {
                        while (rows.next()) {
                            List<String> values = new ArrayList<>();
                            for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                                values.add(rows.getString(column));
                            }
                            System.out.println(String.join("|", values));
                        }
                    }
                }
            }
        }
    }
}
