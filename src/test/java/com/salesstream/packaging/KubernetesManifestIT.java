package com.salesstream.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The Kubernetes manifests the build generated (target/kubernetes/kubernetes.yml), read as YAML, and what the packaged
 * jar holds of the service's users: nothing.
 */
class KubernetesManifestIT {

    private static final String SECRET = "sales-stream-credentials";
    private static final String CONFIG_MAP = "sales-stream-config";

    private static final List<JsonNode> resources = new ArrayList<>();
    private static JsonNode container;

    @BeforeAll
    static void readManifests() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (MappingIterator<JsonNode> documents = yaml.readerFor(JsonNode.class)
                .readValues(Path.of("target", "kubernetes", "kubernetes.yml").toFile())) {
            documents.forEachRemaining(resources::add);
        }
        container = resource("Deployment", "sales-stream").at("/spec/template/spec/containers/0");
    }

    @Test
    void probesAskSmallRyeHealth() {
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    }

    @Test
    void requestsAndLimitsResources() {
        for (String bound : List.of("requests", "limits")) {
            assertThat(container.at("/resources/" + bound + "/cpu").asText()).as(bound).isNotEmpty();
            assertThat(container.at("/resources/" + bound + "/memory").asText()).as(bound).isNotEmpty();
        }
    }

    @Test
    void configurationComesFromTheConfigMap() {
        assertThat(container.get("envFrom")).anySatisfy(source ->
                assertThat(source.at("/configMapRef/name").asText()).isEqualTo(CONFIG_MAP));
        JsonNode configMap = resource("ConfigMap", CONFIG_MAP).get("data");
        assertThat(configMap.has("KAFKA_BOOTSTRAP_SERVERS")).isTrue();
        configMap.fieldNames().forEachRemaining(key -> assertThat(key).doesNotContain("PASSWORD"));
    }

    @Test
    void credentialsComeFromTheSecretNeverAsPlainValues() {
        for (String name : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD",
                "QUARKUS_CASSANDRA_AUTH_USERNAME", "QUARKUS_CASSANDRA_AUTH_PASSWORD")) {
            assertThat(container.get("env")).as(name).anySatisfy(variable -> {
                assertThat(variable.get("name").asText()).isEqualTo(name);
                assertThat(variable.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo(SECRET);
                assertThat(variable.has("value")).isFalse();
            });
        }
        assertThat(resources).noneSatisfy(resource -> assertThat(resource.get("kind").asText()).isEqualTo("Secret"));
    }

    @Test
    void usersComeFromTheirSecretMountedReadOnly() {
        JsonNode pod = resource("Deployment", "sales-stream").at("/spec/template/spec");
        assertThat(pod.get("volumes")).anySatisfy(volume -> {
            assertThat(volume.at("/secret/secretName").asText()).isEqualTo("sales-stream-users");
            assertThat(container.get("volumeMounts")).anySatisfy(mount -> {
                assertThat(mount.get("name").asText()).isEqualTo(volume.get("name").asText());
                assertThat(mount.get("mountPath").asText()).isEqualTo("/etc/sales-stream");
                assertThat(mount.get("readOnly").asBoolean()).isTrue();
            });
        });
        assertThat(container.get("env")).anySatisfy(variable -> {
            assertThat(variable.get("name").asText()).isEqualTo("QUARKUS_CONFIG_LOCATIONS");
            assertThat(variable.get("value").asText()).isEqualTo("file:/etc/sales-stream/users.properties");
        });
    }

    /** No user of the service's login is in the image (the jar's configuration) or in the configuration the repository keeps. */
    @Test
    void noUserIsInTheImageOrTheRepository() throws IOException {
        Pattern user = Pattern.compile("(?m)^\\s*(quarkus\\.security\\.users\\.embedded\\.users\\.|QUARKUS_SECURITY_USERS_EMBEDDED_USERS_)");
        try (ZipFile jar = new ZipFile(Path.of("target", "sales-stream-runner.jar").toFile())) {
            String packaged = new String(jar.getInputStream(jar.getEntry("application.properties")).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(user.matcher(packaged).find()).as("a user in the jar's application.properties").isFalse();
        }
        for (Path file : List.of(Path.of("src/main/resources/application.properties"), Path.of("docker-compose.yml"),
                Path.of(".env.example"), Path.of("deploy/cluster/service.yaml"), Path.of("target/kubernetes/kubernetes.yml"))) {
            assertThat(user.matcher(Files.readString(file)).find()).as("a user in " + file).isFalse();
        }
    }

    private static JsonNode resource(String kind, String name) {
        return resources.stream()
                .filter(resource -> kind.equals(resource.get("kind").asText())
                        && name.equals(resource.at("/metadata/name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + resources));
    }
}
