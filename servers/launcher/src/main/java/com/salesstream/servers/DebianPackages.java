package com.salesstream.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Installs what Debian ships and the project needs (MariaDB's server binary, Chromium for the browser tests). */
public final class DebianPackages {

    private static final Path POLICY = Path.of("/usr/sbin/policy-rc.d");

    private DebianPackages() {
    }

    /** Installs the packages with apt-get, without letting any of them start a service of the machine's. */
    public static synchronized void install(String... packages) throws IOException {
        LocalServers.log("installing " + String.join(" ", packages) + " with apt-get");
        // policy-rc.d exiting 101 forbids starting services: mariadb-server would otherwise start the machine's.
        boolean ownPolicy = !Files.exists(POLICY);
        if (ownPolicy) {
            Files.writeString(POLICY, "#!/bin/sh\nexit 101\n");
            POLICY.toFile().setExecutable(true);
        }
        try {
            Path log = Files.createTempFile("apt-get", ".log");
            Map<String, String> quiet = Map.of("DEBIAN_FRONTEND", "noninteractive");
            Commands.run(List.of("apt-get", "update", "-q"), log, quiet);
            List<String> command = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
            command.addAll(List.of(packages));
            Commands.run(command, log, quiet);
            Files.delete(log);
        } finally {
            if (ownPolicy) {
                Files.deleteIfExists(POLICY);
            }
        }
    }

    /** Chromium and its driver, for the dashboard's browser test; nothing may download a browser of its own. */
    public static void ensureBrowser() throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/chromium")) || !Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
            install("chromium", "chromium-driver");
        }
    }
}
