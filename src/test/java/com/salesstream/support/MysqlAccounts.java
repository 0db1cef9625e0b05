package com.salesstream.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.salesstream.servers.LocalServers;

/**
 * Makes MySQL unreachable for one service without stopping the server: each test runs the service under an account
 * of its own, which this locks (and whose connections it kills) and unlocks again. Also holds row locks. Uses the
 * local MariaDB's root account (password-less, on 127.0.0.1 only: see the launcher's MariaDb).
 */
public final class MysqlAccounts implements AutoCloseable {

    private static final String URL = LocalServers.MARIADB_TEST_JDBC;
    private static final String PASSWORD = "it-password";

    private final String user;

    private MysqlAccounts(String user) {
        this.user = user;
    }

    /** A new account with every right on the tests' database. */
    public static MysqlAccounts create(String user) throws SQLException {
        MysqlAccounts account = new MysqlAccounts(user);
        account.root("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
        account.root("GRANT ALL PRIVILEGES ON " + LocalServers.TEST_DATABASE + ".* TO '" + user + "'@'%'");
        return account;
    }

    /** The service properties that make it log in with this account. */
    public Map<String, String> serviceProperties() {
        return Map.of("quarkus.datasource.username", user, "quarkus.datasource.password", PASSWORD);
    }

    /** Refuses new logins of the account and drops its open connections: to the service, MySQL is gone. */
    public void cutOff() throws SQLException {
        root("ALTER USER '" + user + "'@'%' ACCOUNT LOCK");
        try (Connection root = rootConnection();
                PreparedStatement query = root.prepareStatement("SELECT id FROM information_schema.processlist WHERE user = ?")) {
            query.setString(1, user);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
            for (long id : ids) {
                try (Statement kill = root.createStatement()) {
                    kill.execute("KILL CONNECTION " + id);
                } catch (SQLException gone) {
                    // it closed by itself meanwhile
                }
            }
        }
    }

    public void restore() throws SQLException {
        root("ALTER USER '" + user + "'@'%' ACCOUNT UNLOCK");
    }

    /** Holds a write lock on the group's stored offsets until closed: every window save of the group waits. */
    public AutoCloseable lockStoredOffsets(String group) throws SQLException {
        Connection locker = rootConnection();
        locker.setAutoCommit(false);
        for (int attempt = 1;; attempt++) {
            try (PreparedStatement lock = locker.prepareStatement(
                    "SELECT next_offset FROM consumed_offsets WHERE consumer_group = ? FOR UPDATE")) {
                lock.setString(1, group);
                lock.executeQuery().close();
                break;
            } catch (SQLTransactionRollbackException deadlock) {
                // InnoDB chose this lock over a window save it crossed; the save finishes, then the lock is ours.
                locker.rollback();
                if (attempt == 10) {
                    throw deadlock;
                }
            }
        }
        return () -> {
            locker.rollback();
            locker.close();
        };
    }

    @Override
    public void close() throws SQLException {
        restore();
        root("DROP USER IF EXISTS '" + user + "'@'%'");
    }

    private void root(String sql) throws SQLException {
        try (Connection root = rootConnection(); Statement statement = root.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Connection rootConnection() throws SQLException {
        return DriverManager.getConnection(URL, "root", "");
    }
}
