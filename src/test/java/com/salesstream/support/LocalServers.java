package com.salesstream.support;

import java.io.IOException;
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
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exit);
        }
    }
}
