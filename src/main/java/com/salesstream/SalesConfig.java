package com.salesstream;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed configuration of the service; defaults follow the SPEC. */
@ConfigMapping(prefix = "sales")
public interface SalesConfig {

    /** Kafka topic that carries the orders. */
    @WithDefault("sales_orders")
    String topic();

    Orders orders();

    Generator generator();

    Pipeline pipeline();

    Cassandra cassandra();

    /** What a valid order looks like. */
    interface Orders {
        @WithDefault("4")
        int maxPlatformId();

        @WithDefault("20")
        int maxProductId();

        @WithDefault("1000")
        int maxCustomerId();

        @WithDefault("10")
        int maxQuantity();

        /** Larger Kafka values are dead-lettered without being parsed. */
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

        /** Closed windows that may wait for MySQL before the consumer holds back new batches. */
        @WithDefault("2")
        int maxPendingWindows();

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

        /** Longest wait at shutdown for the open window to be saved. */
        @WithDefault("10s")
        Duration shutdownTimeout();

        /** Longest wait for MySQL when partitions are assigned or revoked. */
        @WithDefault("60s")
        Duration rebalanceTimeout();
    }

    interface Cassandra {
        @WithDefault("sales")
        String keyspace();

        @WithDefault("1")
        int replicationFactor();
    }
}
