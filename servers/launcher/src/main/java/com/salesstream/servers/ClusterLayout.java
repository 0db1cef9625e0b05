package com.salesstream.servers;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Where the local cluster's nodes live: node N on the loopback alias 127.0.2.N (all of 127.0.0.0/8 answers on
 * loopback, so no set-up) with the usual ports, beside the single nodes on 127.0.0.1; files under
 * {@code .local/cluster/<node>/}.
 */
final class ClusterLayout {

    static final int SIZE = 3;

    private ClusterLayout() {
    }

    static List<Integer> nodes() {
        return IntStream.rangeClosed(1, SIZE).boxed().toList();
    }

    static String host(int n) {
        return "127.0.2." + n;
    }

    static Path dir(Path local) {
        return local.resolve("cluster");
    }

    /** host:port of every node, comma-separated. */
    static String addresses(int port) {
        return joined(n -> host(n) + ":" + port);
    }

    /** {@code controller.quorum.voters}: id@host:port of every node. */
    static String kafkaVoters(int controllerPort) {
        return joined(n -> n + "@" + host(n) + ":" + controllerPort);
    }

    /** Murmur3 tokens evenly spaced over [-2^63, 2^63): node N owns an equal third of the ring. */
    static String cassandraToken(int n) {
        BigInteger ring = BigInteger.TWO.pow(64);
        return ring.multiply(BigInteger.valueOf(n - 1)).divide(BigInteger.valueOf(SIZE))
                .subtract(BigInteger.TWO.pow(63)).toString();
    }

    /** JMX listens on 127.0.0.1 only, whatever the node's address: each node needs its own port. */
    static int cassandraJmxPort(int n) {
        return Cassandra.JMX_PORT + 100 * n;
    }

    private static String joined(IntFunction<String> each) {
        return nodes().stream().map(each::apply).collect(Collectors.joining(","));
    }
}
