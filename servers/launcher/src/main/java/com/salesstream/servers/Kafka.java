package com.salesstream.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/** Apache Kafka in KRaft mode, one broker that is also its controller. */
final class Kafka extends Server {

    static final int PORT = 9092;
    static final int CONTROLLER_PORT = 9093;

    private final ServerJars jars;

    Kafka(Path local, ServerJars jars) {
        super("kafka", local, List.of(PORT, CONTROLLER_PORT), Duration.ofSeconds(90), "server.log");
        this.jars = jars;
    }




    @Override
    List<String> prepare() throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path properties = jars.render("kafka/server.properties", dir.resolve("server.properties"), Map.of("KAFKA_DATA", data));
        format(data, properties);
        return List.of(jars.java(), "-server",
                "-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
                "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true", "-Dkafka.logs.dir=" + dir,
                "-Dlog4j2.configurationFile=" + jars.config("kafka/log4j2.xml"),
                "-cp", jars.classpath("kafka"), "kafka.Kafka", properties.toString());
    }

    /** Formats the KRaft storage once, with a cluster id generated once and kept beside it. */
    private void format(Path data, Path properties) throws IOException {
        if (Files.exists(data.resolve("meta.properties"))) {
            return;
        }
        Path clusterId = dir.resolve("cluster.id");
        if (!Files.exists(clusterId)) {
            Files.writeString(clusterId, Uuid.randomUuid().toString());
        }
        LocalServers.log("kafka: formatting storage (cluster id " + Files.readString(clusterId) + ")");
        jars.runTool(dir.resolve("format.log"), "kafka", "kafka.tools.StorageTool", "format", "--ignore-formatted",
                "-t", Files.readString(clusterId), "-c", properties.toString());
    }

    @Override
    boolean answers() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
            admin.listTopics().names().get(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static String bootstrapServers() {
        return "127.0.0.1:" + PORT;
    }
}
