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
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One server this project runs as a child process, with its files under {@code .local/<name>/}: how to launch it
 * and how a real client sees it ready. The PID file and the command line (it must name our {@code .local}) decide
 * what is ours: nothing else is ever signalled.
 */
abstract class Server {

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    final String name;
    final Path dir;
    final Path local;
    /** The address it listens on: 127.0.0.1 for the single nodes, its own loopback alias in the local cluster. */
    final String host;
    /** Every address it listens on, its clients' first. */
    private final List<InetSocketAddress> addresses;
    private final Duration startTimeout;
    /** The logs worth showing when it fails to start, most telling first. */
    private final List<Path> logs;

    Server(String name, Path local, List<Integer> ports, Duration startTimeout, String... logs) {
        this(name, local, local.resolve(name), "127.0.0.1", ports.stream().map(port -> new InetSocketAddress("127.0.0.1", port))
                .toList(), startTimeout, logs);
    }

    Server(String name, Path local, Path dir, String host, List<InetSocketAddress> addresses, Duration startTimeout,
            String... logs) {
        this.name = name;
        this.local = local;
        this.dir = dir;
        this.host = host;
        this.addresses = addresses;
        this.startTimeout = startTimeout;
        this.logs = Stream.concat(Stream.of(logs), Stream.of("stdout.log")).map(dir::resolve).toList();
    }

    /** Writes its configuration (and formats its data once); returns the command that runs it in the foreground. */
    abstract List<String> prepare() throws IOException;

    /** True once a real client of this server gets an answer. */
    abstract boolean answers();

    /** What a ready server is brought to at every start, whoever started it (nothing by default). */
    void provision() {
    }

    boolean ready() {
        return listening(addresses.get(0)) && answers();
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
        for (InetSocketAddress address : addresses) {
            if (listening(address)) {
                throw new IllegalStateException(name + ": " + text(address)
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
        awaitReady(this::ready);
    }

    /** Waits until the condition holds (a cluster node: also seen by its peers), as {@link #awaitReady()}. */
    void awaitReady(BooleanSupplier ready) {
        long started = System.nanoTime();
        long deadline = started + startTimeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!alive()) {
                throw new IllegalStateException(name + ": the process exited during startup\n" + tails(logs));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": not ready after " + startTimeout.toSeconds() + " s (still "
                        + "running, `bin/local-servers stop " + name + "` ends it)\n" + tails(logs));
            }
            sleepBriefly();
        }
        LocalServers.log(name + ": ready at " + text(addresses.get(0)) + " ("
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) / 1000.0 + " s)");
    }

    /** SIGTERM, then SIGKILL after a minute. A paused process gets SIGCONT first, or it could not act on SIGTERM. */
    void stop() {
        stop(STOP_TIMEOUT);
    }

    /** As {@link #stop()}, SIGKILL after this bound. */
    void stop(Duration bound) {
        Optional<ProcessHandle> process = process();
        if (process.isEmpty()) {
            LocalServers.log(name + ": not running");
        } else {
            LocalServers.log(name + ": stopping (pid " + process.get().pid() + ")");
            if (stopped(process.get())) {
                signal(process.get(), "CONT");
            }
            process.get().destroy();
            try {
                process.get().onExit().get(bound.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                LocalServers.log(name + ": still alive after " + bound.toSeconds() + " s, sending SIGKILL");
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

    /** SIGKILL, no wait for a clean exit: a crash, for fault tests. */
    void kill() {
        ProcessHandle process = ours("kill");
        process.destroyForcibly();
        process.onExit().join();
        LocalServers.log(name + ": killed");
    }

    /** SIGSTOP: the process stays, its sockets stay open, nothing answers (a long GC pause, a hung host). */
    void pause() {
        signal(ours("pause"), "STOP");
        LocalServers.log(name + ": paused");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() {
        signal(ours("resume"), "CONT");
        LocalServers.log(name + ": resumed");
    }

    /** Whether our process is stopped by SIGSTOP (state T in /proc/PID/stat). */
    boolean paused() {
        return process().map(Server::stopped).orElse(false);
    }

    private ProcessHandle ours(String action) {
        return process().orElseThrow(() -> new IllegalStateException("cannot " + action + " " + name + ": not running"));
    }

    private static boolean stopped(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // The state follows the command name, which is in parentheses and may hold spaces.
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
        } catch (IOException e) {
            return false;
        }
    }

    /** The JDK signals only TERM and KILL: the others go through kill(1). */
    private static void signal(ProcessHandle process, String signal) {
        try {
            Commands.run(List.of("kill", "-" + signal, Long.toString(process.pid())), Path.of("/dev/null"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A status line from what the caller found: our process, if any, and whether it answers. */
    String status(Optional<ProcessHandle> process, boolean ready) {
        if (process.isPresent()) {
            String state = stopped(process.get()) ? "paused" : ready ? "up" : "starting";
            return String.format("%-13s %s (pid %d, %s)", name + ":", state, process.get().pid(), text(addresses.get(0)));
        }
        return String.format("%-13s down%s", name + ":", listening(addresses.get(0))
                ? " (" + text(addresses.get(0)) + " is held by a process this project did not start)" : "");
    }

    private static String text(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
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

    static boolean listening(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void sleepBriefly() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
