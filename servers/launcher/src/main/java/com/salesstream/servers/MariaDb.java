package com.salesstream.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The project's own MariaDB: Debian's {@code mariadbd} on its own port and data directory, never the machine's
 * server. Database {@code sales}, the tests' own {@code sales_test}, user {@code sales} (password
 * {@code SALES_DB_PASSWORD}, default {@code sales}) and a password-less {@code root} reachable over TCP on 127.0.0.1,
 * for the tests that lock accounts and kill sessions.
 */
final class MariaDb extends Server {

    static final int PORT = 3307;
    static final String DATABASE = "sales";
    /** Where the tests write, so that they leave the developer's {@code sales} as they found it. */
    static final String TEST_DATABASE = "sales_test";
    static final String USER = "sales";
    static final String PASSWORD = System.getenv().getOrDefault("SALES_DB_PASSWORD", "sales");
    /**
     * LOCAL_MARIADB=instrumented: with the performance schema, whose per-statement rows examined bin/api-benchmark
     * prints. Off otherwise: it costs the server about 100 MB of resident memory.
     */
    private static final boolean INSTRUMENTED = "instrumented".equals(System.getenv("LOCAL_MARIADB"));

    private static final Path SERVER = Path.of("/usr/sbin/mariadbd");
    private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");

    MariaDb(Path local) {
        super("mariadb", local, List.of(PORT), Duration.ofSeconds(60), "mariadbd.log", "install.log");
    }




    @Override
    List<String> prepare() throws IOException {
        if (!Files.isExecutable(SERVER) || !Files.isExecutable(INSTALL_DB)) {
            DebianPackages.install("mariadb-server");
        }
        Path data = dir.resolve("data");
        if (!Files.exists(data.resolve("mysql"))) {
            LocalServers.log("mariadb: creating its data directory");
            List<String> install = new ArrayList<>(List.of(INSTALL_DB.toString(), "--no-defaults", "--datadir=" + data,
                    "--auth-root-authentication-method=normal", "--skip-test-db"));
            install.addAll(asUser());
            Commands.run(install, dir.resolve("install.log"));
        }
        // Run at every start, so a changed SALES_DB_PASSWORD applies. Written where only this project reads.
        List<String> statements = new ArrayList<>(List.of(
                "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + quoted(PASSWORD) + "'",
                "ALTER USER '" + USER + "'@'%' IDENTIFIED BY '" + quoted(PASSWORD) + "'",
                "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'",
                "GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION"));
        statements.addAll(databases());
        Path init = Files.writeString(dir.resolve("init.sql"), String.join(";\n", statements) + ";\n");
        // --no-defaults: nothing of the machine's configuration (its port, socket and data directory) applies.
        List<String> command = new ArrayList<>(List.of(SERVER.toString(), "--no-defaults", "--datadir=" + data,
                "--port=" + PORT, "--bind-address=127.0.0.1", "--skip-name-resolve",
                "--socket=" + dir.resolve("mariadbd.sock"), "--pid-file=" + dir.resolve("mariadbd.pid"),
                "--log-error=" + dir.resolve("mariadbd.log"), "--init-file=" + init,
                // Debian's defaults, which --no-defaults leaves out.
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci"));
        if (INSTRUMENTED) {
            command.add("--performance-schema=ON");
        }
        command.addAll(asUser());
        return command;
    }

    /** A server started by an older checkout may lack the tests' database: made at every start. */
    @Override
    void provision() {
        try (Connection root = DriverManager.getConnection(jdbcUrl(""), "root", "");
                Statement statement = root.createStatement()) {
            for (String sql : databases()) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("mariadb: cannot create the databases as root on 127.0.0.1", e);
        }
    }

    private static List<String> databases() {
        List<String> statements = new ArrayList<>();
        for (String database : List.of(DATABASE, TEST_DATABASE)) {
            statements.add("CREATE DATABASE IF NOT EXISTS " + database);
            statements.add("GRANT ALL ON " + database + ".* TO '" + USER + "'@'%'");
        }
        return statements;
    }

    @Override
    boolean answers() {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(DATABASE), USER, PASSWORD)) {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    static String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + PORT + "/" + database;
    }

    /** mariadbd refuses to run as root unless told to. */
    private static List<String> asUser() {
        return "root".equals(System.getProperty("user.name")) ? List.of("--user=root") : List.of();
    }

    private static String quoted(String text) {
        return text.replace("\\", "\\\\").replace("'", "\\'");
    }
}
