package com.salesstream.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The servers' jars, resolved from Maven Central by {@code servers/pom.xml} into {@code .local/lib/<server>/} (one
 * folder each: Kafka's and Cassandra's dependency trees conflict), their configuration templates, and the JVM
 * that runs them.
 */
final class ServerJars {

    private final Path root;
    private final Path lib;

    ServerJars(Path root) {
        this.root = root;
        this.lib = root.resolve(".local/lib");
    }

    /** Resolves the servers' jars once, and again whenever a pom changes (a version bump). */
    synchronized void resolve(List<String> servers) throws IOException {
        List<String> stale = servers.stream().filter(server -> !stamp(server).equals(readStamp(server))).toList();
        if (stale.isEmpty()) {
            return;
        }
        LocalServers.log("resolving jars from Maven Central for: " + String.join(" ", stale));
        Files.createDirectories(lib);
        List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-q", "-B",
                "-f", root.resolve("servers/pom.xml").toString(), "-pl", String.join(",", stale),
                "dependency:copy-dependencies", "-Dlocal.lib=" + lib));
        Commands.run(command, lib.resolve("resolve.log"));
        for (String server : stale) {
            Files.writeString(lib.resolve(server + "/.complete"), stamp(server));
        }
    }

    /** Java 17 where Debian has it: Cassandra 5.0 runs on Java 11 or 17 only. */
    String java() {
        String chosen = System.getenv("LOCAL_SERVERS_JAVA");
        if (chosen != null && !chosen.isBlank()) {
            return chosen;
        }
        Path debian = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        return Files.isExecutable(debian) ? debian.toString() : Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    String classpath(String server) {
        return lib.resolve(server) + "/*";
    }

    /** The one jar of the server's folder whose name starts so, e.g. Cassandra's {@code jamm-}. */
    Path jar(String server, String prefix) throws IOException {
        try (Stream<Path> jars = Files.list(lib.resolve(server))) {
            return jars.filter(jar -> jar.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(prefix + "*.jar missing in " + lib.resolve(server)));
        }
    }

    /** A file of {@code servers/}, e.g. {@code kafka/log4j2.xml}. */
    Path config(String name) {
        return root.resolve("servers").resolve(name);
    }

    /** Copies a template of {@code servers/} to the target, replacing each {@code @KEY@}; fails on one left over. */
    Path render(String template, Path target, Map<String, ?> values) throws IOException {
        String text = Files.readString(config(template));
        for (Map.Entry<String, ?> value : values.entrySet()) {
            text = text.replace("@" + value.getKey() + "@", value.getValue().toString());
        }
        Matcher left = Pattern.compile("@[A-Z_]+@").matcher(text);
        if (left.find()) {
            throw new IllegalStateException("servers/" + template + ": no value for " + left.group());
        }
        return Files.writeString(target, text);
    }

    /** Runs a command-line tool of the server's jars (a short-lived JVM, quiet logging) to completion. */
    void runTool(Path log, String server, String mainClass, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(toolCommand(server, mainClass));
        command.addAll(List.of(arguments));
        Commands.run(command, log);
    }

    List<String> toolCommand(String server, String mainClass) {
        return List.of(java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=" + config("kafka/tools-log4j2.xml"), "-cp", classpath(server), mainClass);
    }

    private String stamp(String server) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Files.readAllBytes(config("pom.xml")));
            digest.update(Files.readAllBytes(config(server + "/pom.xml")));
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String readStamp(String server) {
        try {
            Path complete = lib.resolve(server + "/.complete");
            return Files.exists(complete) ? Files.readString(complete) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
