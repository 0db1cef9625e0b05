package com.salesstream.servers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a short command to completion, its output in a log that is shown when it fails. */
final class Commands {

    private static final long TIMEOUT_MINUTES = 15;

    private Commands() {
    }

    static void run(List<String> command, Path log) throws IOException {
        run(command, log, Map.of());
    }

    static void run(List<String> command, Path log, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within " + TIMEOUT_MINUTES
                        + " minutes\n" + Server.tails(List.of(log)));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue() + ")\n"
                    + Server.tails(List.of(log)));
        }
    }
}
