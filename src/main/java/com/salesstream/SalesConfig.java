package com.salesstream;

import java.time.Duration;
import java.util.OptionalInt;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed configuration of the service; defaults follow the SPEC. */
@ConfigMapping(prefix = "sales")
public interface SalesConfig {

    /** Kafka topic that carries the orders. */
    @WithDefault("sales_orders")
    String topic();

    /** Where records that are not valid orders go, with the reason in their headers. */
    default String deadLetterTopic() {
        return topic() + ".dlq";
    }

    Topics topics();

    Orders orders();

    Generator generator();

    Pipeline pipeline();

    Cassandra cassandra();

    CatalogRefresh catalog();

    Api api();

    /**
     * How the orders topic and its dead-letter topic are created when they do not exist yet; each setting left out
     * takes the broker's default. An existing topic is only described, and a setting it falls short of is logged.
     */
    interface Topics {
        OptionalInt partitions();

        OptionalInt replicationFactor();

        /** Replicas that must have an order before the broker acknowledges it (with the producers' acks=all). */
        OptionalInt minInsyncReplicas();
    }

    interface CatalogRefresh {
        /** How often the dimension tables are read again: a platform or product added there is valid by then. */
        @WithDefault("1m")
        Duration refresh();
    }

    /** Sanity bounds of a valid order, beyond the SPEC's rules; the catalog says which platforms and products exist. */
    interface Orders {
        /** A sanity bound, far above any real order: larger quantities are dead-lettered. */
        @WithDefault("1000000")
        int maxQuantity();

        /**
         * Larger Kafka values are dead-lettered without being parsed or even held whole: the deserializer keeps only
         * this many bytes of them.
         */
        @WithDefault("4096")
        int maxBytes();
    }

    interface Generator {
        /** Whether this instance produces orders. */
        @WithDefault("true")
        boolean enabled();

        /** Orders per second; 0 produces as fast as the broker accepts. */
        @WithDefault("5")
        int ratePerSecond();

        /** Order ids reserved in MySQL per round trip; unused ones are skipped after a restart. */
        @WithDefault("10000")
        int idBlockSize();
    }

    interface Pipeline {
        /** Whether this instance consumes orders into the stores. */
        @WithDefault("true")
        boolean enabled();

        /** Kafka consumer group, also the key of the offsets stored with the aggregates. */
        @WithDefault("sales-pipeline")
        String groupId();

        /** Length of an aggregation window. */
        @WithDefault("1m")
        Duration window();

        /** Window periods the open window may outlive while a save is running before the consumer holds back. */
        @WithDefault("2")
        int maxPendingWindows();

        /**
         * Aggregate keys (order date, platform, product) at which the open window closes early: bounds a window's
         * memory and its save when orders span many days (a backfill, a replay).
         */
        @WithDefault("100000")
        int maxWindowKeys();

        /**
         * While the consumer works through a backlog (its polls come back full), the open window closes as soon as a
         * poll comes back short, once it is this old: a backlog reaches MySQL when it reaches Cassandra, not at the
         * next tick.
         */
        @WithDefault("1s")
        Duration catchUpWindow();

        /** No batch stored, no window saved or a partition without its stored offset for this long: readiness DOWN. */
        @WithDefault("1m")
        Duration stallTimeout();

        /** Stalled for this long: liveness DOWN, so the orchestrator restarts the service. */
        @WithDefault("5m")
        Duration stuckTimeout();

        /**
         * Orders per unlogged Cassandra batch. Each order is its own partition; Cassandra warns about unlogged batches
         * over 10 partitions (unlogged_batch_across_partitions_warn_threshold) and over 5 KiB.
         */
        @WithDefault("10")
        int cassandraBatchSize();

        /** Cassandra batch requests in flight per polled Kafka batch. */
        @WithDefault("128")
        int cassandraMaxInFlight();

        /** First pause before a failed store write is retried; it doubles up to max-retry-backoff. */
        @WithDefault("100ms")
        Duration minRetryBackoff();

        /** Longest pause between two retries of a store write. */
        @WithDefault("5s")
        Duration maxRetryBackoff();

        /**
         * Longest wait for one MySQL call (a window's transaction, a read of the stored offsets, an id block) before
         * it is given up and tried again. The connection pool has no timeout of its own (application.properties).
         */
        @WithDefault("30s")
        Duration mysqlTimeout();

        /** Longest wait at shutdown for the open window to be saved. */
        @WithDefault("10s")
        Duration shutdownTimeout();

        /** Longest wait for MySQL when partitions are assigned or revoked. */
        @WithDefault("60s")
        Duration rebalanceTimeout();
    }

    /** What the API and the dashboard may take, so that no number of clients can hold up the pipeline. */
    interface Api {
        /** Live-figure (SSE) subscribers at once; one more gets 503. Each costs a connection and a little memory. */
        @WithDefault("1000")
        int maxStreamClients();
    }

    interface Cassandra {
        @WithDefault("sales")
        String keyspace();

        /** Replicas of the keyspace in the local datacenter (NetworkTopologyStrategy), when the service creates it. */
        @WithDefault("1")
        int replicationFactor();

        /**
         * Every read and write of the orders table. Never downgraded: an order is counted in MySQL only once this
         * many replicas hold it. LOCAL_QUORUM is 1 of 1 on a single node and 2 of 3 at replication factor 3.
         */
        @WithDefault("LOCAL_QUORUM")
        DefaultConsistencyLevel consistency();
    }
}
