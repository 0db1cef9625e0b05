package com.salesstream.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.salesstream.servers.LocalServers;

/**
 * The packaged service ({@code target/sales-stream-runner.jar}) run by {@code bin/service} as a separate process, to be
 * killed and restarted.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String DATABASE_URL = "quarkus.datasource.reactive.url";
    private static final String JDBC_URL = "quarkus.datasource.jdbc.url";

    private final Process process;
    private final int port;
    private final Path log;
    private final TestUser user;

    private ServiceProcess(Process process, int port, Path log, TestUser user) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.user = user;
    }

    /**
     * Starts the service on the local servers with these configuration properties and the project's JVM options
     * (SERVICE_JAVA_OPTS replaces them, as for bin/service); its output goes to {@code target/<name>.log}.
     */
    public static ServiceProcess start(String name, Map<String, String> properties) throws IOException {
        int port = freePort();
        Map<String, String> config = new LinkedHashMap<>(LocalServers.quarkusConfig());
        config.putAll(LocalServers.testData());
        // A password goes in the environment, as in production, not on a command line every process can read.
        String password = config.remove("quarkus.datasource.password");
        config.putAll(properties);
        // A user of this run only; the command line shows its digest, never its password.
        TestUser user = TestUser.withRole("tester", "orders");
        config.putAll(user.config());
        // Never the developer's database, even where the properties name it again (LocalCluster.quarkusConfig()).
        if (config.get(DATABASE_URL).equals(LocalServers.quarkusConfig().get(DATABASE_URL))) {
            config.put(DATABASE_URL, LocalServers.testData().get(DATABASE_URL));
            config.put(JDBC_URL, LocalServers.testData().get(JDBC_URL));
        }
        List<String> command = new ArrayList<>(List.of(Path.of("bin", "service").toAbsolutePath().toString()));
        command.add("-Dquarkus.http.port=" + port);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        Path log = Path.of("target", name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("QUARKUS_DATASOURCE_PASSWORD", password);
        return new ServiceProcess(builder.start(), port, log, user);
    }

    /** SIGKILL: no shutdown hook, nothing flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, then waits for the process to exit. */
    public boolean stop(Duration within) throws InterruptedException {
        process.destroy();
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A request for this path of the API, logged in as a user of role orders. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", user.authorization());
    }

    /** True when /q/health/ready answers 200; false when it answers 503 or not at all. */
    public boolean isReady() {
        return health("ready").startsWith("200 ");
    }

    public boolean isLive() {
        return health("live").startsWith("200 ");
    }

    /** The value of a Prometheus sample of /q/metrics, e.g. {@code sales_orders_consumed_total}; 0 when absent. */
    public double metric(String sample) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                .timeout(Duration.ofSeconds(5)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body().lines()
                .filter(line -> line.startsWith(sample + " ") || line.startsWith(sample + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** "STATUS BODY" of /q/health/{kind}, or "-1 " when it does not answer. */
    public String health(String kind) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/" + kind))
                    .timeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return "-1 ";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "-1 ";
        }
    }

    /** Peak resident memory of the process so far (VmHWM), in KiB. */
    public long peakRssKb() throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                .filter(line -> line.startsWith("VmHWM:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElseThrow();
    }

    public long pid() {
        return process.pid();
    }

    /** The port its HTTP server listens on. */
    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
