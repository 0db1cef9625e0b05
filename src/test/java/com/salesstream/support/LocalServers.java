package com.salesstream.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Stops and starts the local servers through {@code bin/local-servers}, to cut one off from the service. */
public final class LocalServers {

    private LocalServers() {
    }

    public static void stop(String server) throws IOException, InterruptedException {
        run("stop", server);
    }

    public static void start(String... servers) throws IOException, InterruptedException {
        run("start", servers);
    }

    private static void run(String action, String... servers) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bin/local-servers", action));
        command.addAll(List.of(servers));
        // Through System.out: the test runner owns the process's own output stream.
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.print(output);
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + ":\n" + output);
        }
    }
}
