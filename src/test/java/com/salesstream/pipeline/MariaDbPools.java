package com.salesstream.pipeline;

import org.flywaydb.core.Flyway;

import com.salesstream.servers.LocalServers;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.mysqlclient.MySQLBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mysqlclient.MySQLConnectOptions;

/** The local MariaDB alone, for the tests of the MySQL side of the exactly-once core (no Kafka, no Cassandra). */
final class MariaDbPools {

    private MariaDbPools() {
    }

    /** Starts MariaDB where it is not running and migrates the tests' database. */
    static void migrated() {
        LocalServers.ofThisProject().start("mariadb");
        Flyway.configure().dataSource(LocalServers.MARIADB_TEST_JDBC, LocalServers.DB_USER, LocalServers.DB_PASSWORD).load().migrate();
    }

    /** A pool of the service's account, to MariaDB or to a proxy in front of it listening on {@code port}. */
    static Pool pool(Vertx vertx, int port) {
        return MySQLBuilder.pool().using(vertx).connectingTo(MySQLConnectOptions.fromUri(LocalServers.mysqlUrl(LocalServers.TEST_DATABASE))
                .setHost("127.0.0.1").setPort(port).setUser(LocalServers.DB_USER).setPassword(LocalServers.DB_PASSWORD)).build();
    }
}
