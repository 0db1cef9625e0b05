package com.salesstream.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One server this project runs as a child process, with its files under {@code .local/<name>/}: how to launch it
 * and how a real client sees it ready. The PID file and the command line (it must name our {@code .local}) decide
 * what is ours: nothing else is ever signalled.
 */
abstract class Server {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    final String name;
    final Path dir;
    final Path local;
    /** Every port the server listens on, its clients' first. */
    private final List<Integer> ports;
    private final Duration startTimeout;
    /** The logs worth showing when it fails to start, most telling first. */
    private final List<Path> logs;

    Server(String name, Path local, List<Integer> ports, Duration startTimeout, String... logs) {
        this.name = name;
        this.local = local;
        this.dir = local.resolve(name);
        this.ports = ports;
        this.startTimeout = startTimeout;
        this.logs = Stream.concat(Stream.of(logs), Stream.of("stdout.log")).map(dir::resolve).toList();
    }

    /** Writes its configuration (and formats its data once); returns the command that runs it in the foreground. */
    abstract List<String> prepare() throws IOException;

    /** True once a real client of this server gets an answer. */
    abstract boolean answers();

    boolean ready() {
        return listening(ports.get(0)) && answers();
    }

    Path pidFile() {
        return dir.resolve(name + ".pid");
    }

    /** Our running process, if any: the PID file's, only while its command line still names our folder. */
    Optional<ProcessHandle> process() {
        try {
            if (!Files.exists(pidFile())) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile()).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info().commandLine().orElse("").contains(local.toString()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether the PID file's process lives: right after launch its command line is still the JVM's spawn helper's. */
    private boolean alive() {
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(pidFile()).trim())).map(ProcessHandle::isAlive)
                    .orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Launches the server; fails clearly when another process holds one of its ports. */
    void launch() throws IOException {
        for (int port : ports) {
            if (listening(port)) {
                throw new IllegalStateException(name + ": port " + port
                        + " is in use by a process this project did not start; stop it first");
            }
        }
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>();
        // Its own session: a Ctrl-C in the caller's terminal must not reach the server. setsid execs in place.
        command.add("setsid");
        command.addAll(prepare());
        Path stdout = dir.resolve("stdout.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(stdout.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        Files.writeString(pidFile(), Long.toString(process.pid()));
        LocalServers.log(name + ": starting (pid " + process.pid() + ")");
    }

    /** Waits until {@link #ready()}, failing with the logs' tails when the process dies or the time is up. */
    void awaitReady() {
        long started = System.nanoTime();
        long deadline = started + startTimeout.toNanos();
        while (!ready()) {
            if (!alive()) {
                throw new IllegalStateException(name + ": the process exited during startup\n" + tails(logs));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": not ready after " + startTimeout.toSeconds() + " s (still "
                        + "running, `bin/local-servers stop " + name + "` ends it)\n" + tails(logs));
            }
            pause();
        }
        LocalServers.log(name + ": ready at 127.0.0.1:" + ports.get(0) + " ("
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) / 1000.0 + " s)");
    }

    /** SIGTERM, then SIGKILL after a minute. */
    void stop() {
        Optional<ProcessHandle> process = process();
        if (process.isEmpty()) {
            LocalServers.log(name + ": not running");
        } else {
            LocalServers.log(name + ": stopping (pid " + process.get().pid() + ")");
            process.get().destroy();
            try {
                process.get().onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                LocalServers.log(name + ": still alive after " + STOP_TIMEOUT.toSeconds() + " s, sending SIGKILL");
                process.get().destroyForcibly();
                process.get().onExit().join();
            }
            LocalServers.log(name + ": stopped");
        }
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A status line from what the caller found: our process, if any, and whether it answers. */
    String status(Optional<ProcessHandle> process, boolean ready) {
        if (process.isPresent()) {
            return String.format("%-10s %s (pid %d, 127.0.0.1:%d)", name + ":", ready ? "up" : "starting",
                    process.get().pid(), ports.get(0));
        }
        return String.format("%-10s down%s", name + ":", listening(ports.get(0))
                ? " (port " + ports.get(0) + " is held by a process this project did not start)" : "");
    }

    /** The last 30 lines of each log that has any. */
    static String tails(List<Path> logs) {
        StringBuilder tails = new StringBuilder();
        for (Path log : logs) {
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                if (!lines.isEmpty()) {
                    tails.append("----- last lines of ").append(log).append(" -----\n");
                    lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(line -> tails.append(line).append('\n'));
                }
            } catch (IOException | UncheckedIOException e) {
                tails.append("(").append(log).append(" unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return tails.length() == 0 ? "(no log output in " + logs + ")" : tails.toString();
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
