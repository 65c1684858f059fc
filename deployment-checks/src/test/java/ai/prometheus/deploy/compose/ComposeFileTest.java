package ai.prometheus.deploy.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.deploy.Repository;
import ai.prometheus.deploy.image.ImageRules;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml as the compose CLI reads it (`docker compose config`, which needs no Docker
 * engine), then our rules on the resolved file.
 */
class ComposeFileTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static ComposeCli cli;
    private static JsonNode resolved;

    /** The key folder bin/prometheus creates on first use; not in the repository. */
    private static Set<Path> operatorSupplied() {
        return Set.of(Repository.root().resolve(".prometheus/keys"));
    }

    @BeforeAll
    static void resolve() throws IOException {
        cli = ComposeCli.find()
                .orElseThrow(() -> new AssertionError(
                        "No Docker Compose CLI: install Debian's docker-compose package (apt-get install docker-compose;"
                                + " bin/prometheus test does it when run as root) or the docker compose plugin"));
        ComposeCli.Result result = cli.config(Repository.root().resolve("docker-compose.yml"), Repository.root());
        assertEquals(0, result.exitCode(), cli.describe() + " config rejected docker-compose.yml:\n" + result.stderr());
        resolved = YAML.readTree(result.stdout());
    }

    @Test
    void theCliAcceptsTheFileWithoutWarnings() {
        ComposeCli.Result result = cli.config(Repository.root().resolve("docker-compose.yml"), Repository.root());
        assertEquals("", result.stderr().strip(), "warnings from " + cli.describe());
    }

    @Test
    void theResolvedFileKeepsOurRules() {
        assertEquals(List.of(), ComposeRules.check(resolved, ImageRules.MAY_RUN_AS_ROOT, operatorSupplied()));
    }

    @Test
    void itRunsTheEnginesAndEveryService() {
        Set<String> names = Set.copyOf(list(resolved.path("services").fieldNames()));
        assertTrue(names.containsAll(Set.of("postgres", "kafka", "otel-collector", "jaeger")), names.toString());
        assertTrue(names.containsAll(Repository.SERVICES), names.toString());
        assertTrue(
                resolved.path("services").path("kafka").path("image").asText().startsWith("apache/kafka:"));
        assertEquals(
                "broker,controller",
                resolved.path("services")
                        .path("kafka")
                        .path("environment")
                        .path("KAFKA_PROCESS_ROLES")
                        .asText());
        for (String service : Repository.SERVICES) {
            assertEquals(
                    "http://otel-collector:4318",
                    resolved.path("services")
                            .path(service)
                            .path("environment")
                            .path("OTEL_EXPORTER_OTLP_ENDPOINT")
                            .asText());
        }
        assertEquals(
                "http://sandbox-service:8082",
                resolved.path("services")
                        .path("tool-registry-service")
                        .path("environment")
                        .path("SANDBOX_URL")
                        .asText());
    }

    @Test
    void onlyTheRegistryAndTheSandboxGetTheSigningKeyAndOnlyTheRegistryTheSecretsKey() {
        for (String service : Repository.SERVICES) {
            boolean mountsKey = false;
            boolean mountsSecretsKey = false;
            for (JsonNode volume : resolved.path("services").path(service).path("volumes")) {
                String text = volume.isTextual()
                        ? volume.asText()
                        : volume.path("source").asText();
                mountsKey |= text.startsWith("service-key");
                mountsSecretsKey |= text.startsWith("secrets-key");
            }
            assertEquals(
                    service.equals("tool-registry-service") || service.equals("sandbox-service"), mountsKey, service);
            assertEquals(service.equals("tool-registry-service"), mountsSecretsKey, service);
        }
    }

    private static void rejects(Path directory, String compose, String expected) throws IOException {
        Path broken = directory.resolve("docker-compose.yml");
        Files.writeString(broken, compose);
        ComposeCli.Result result = cli.config(broken, directory);
        assertNotEquals(0, result.exitCode());
        assertTrue(result.stderr().contains(expected), result.stderr());
    }

    @Test
    void theCliRejectsAnUnknownKey(@TempDir Path directory) throws IOException {
        rejects(directory, """
                services:
                  app:
                    image: busybox:1.37
                    restartt: always
                """, "restartt");
    }

    @Test
    void theCliRejectsADependencyOnAMissingService(@TempDir Path directory) throws IOException {
        rejects(directory, """
                services:
                  app:
                    image: busybox:1.37
                    depends_on:
                      postgress:
                        condition: service_healthy
                """, "postgress");
    }

    private static void breaks(Consumer<ObjectNode> change, String expected) {
        ObjectNode copy = resolved.deepCopy();
        change.accept((ObjectNode) copy.path("services"));
        List<String> violations = ComposeRules.check(copy, ImageRules.MAY_RUN_AS_ROOT, operatorSupplied());
        assertTrue(
                violations.stream().anyMatch(v -> v.contains(expected)),
                "expected '" + expected + "' in " + violations);
    }

    private static ObjectNode service(ObjectNode services, String name) {
        return (ObjectNode) services.path(name);
    }

    @Test
    void aServiceWithoutAHealthcheckBreaksTheRules() {
        breaks(s -> service(s, "guardian-service").remove("healthcheck"), "guardian-service: needs a healthcheck");
    }

    @Test
    void aServiceThatDoesNotWaitForKafkaBreaksTheRules() {
        breaks(
                s -> ((ObjectNode) service(s, "memory-guild-service").path("depends_on")).remove("kafka"),
                "memory-guild-service: must wait for kafka to be healthy");
    }

    @Test
    void aMissingAddressBreaksTheRules() {
        breaks(
                s -> ((ObjectNode) service(s, "guardian-service").path("environment"))
                        .remove("KAFKA_BOOTSTRAP_SERVERS"),
                "guardian-service: does not set KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void sharingADatabaseRoleBreaksTheRules() {
        breaks(
                s -> {
                    ObjectNode environment =
                            (ObjectNode) service(s, "guardian-service").path("environment");
                    environment.put("DB_USER", "sandbox");
                    environment.put("DB_PASSWORD", "sandbox-dev-only");
                },
                "guardian-service: DB_USER/DB_PASSWORD must be the role postgres creates");
    }

    @Test
    void aPasswordThatPostgresDoesNotKnowBreaksTheRules() {
        breaks(
                s -> ((ObjectNode) service(s, "sandbox-service").path("environment")).put("DB_PASSWORD", "other"),
                "sandbox-service: DB_USER/DB_PASSWORD must be the role");
    }

    @Test
    void rootOutsideTheExceptionBreaksTheRules() {
        breaks(
                s -> service(s, "guardian-service").put("user", "0:0"),
                "guardian-service: runs as root or adds capabilities [] without a documented exception");
    }

    @Test
    void theSandboxMayNotAddSysAdmin() {
        breaks(
                s -> ((ArrayNode) service(s, "sandbox-service").path("cap_add")).add("SYS_ADMIN"),
                "sandbox-service: adds SYS_ADMIN");
    }

    @Test
    void aPrivilegedContainerBreaksTheRules() {
        breaks(s -> service(s, "sandbox-service").put("privileged", true), "sandbox-service: must not be privileged");
    }

    @Test
    void aWritableRootFileSystemBreaksTheRules() {
        breaks(
                s -> service(s, "tool-registry-service").put("read_only", false),
                "must have a read-only root file system");
    }

    @Test
    void aPortOpenToTheNetworkBreaksTheRules() {
        breaks(
                s -> ((ArrayNode) service(s, "guardian-service").path("ports"))
                        .removeAll()
                        .add("8084:8084/tcp"),
                "guardian-service: publishes port 8084 on every interface");
    }

    @Test
    void aMountOfAMissingFileBreaksTheRules() {
        breaks(
                s -> ((ArrayNode) service(s, "otel-collector").path("volumes"))
                        .removeAll()
                        .add(Repository.root().resolve("deploy/compose/otel.yaml") + ":/etc/otelcol/config.yaml:ro"),
                "otel-collector: mounts " + Repository.root().resolve("deploy/compose/otel.yaml")
                        + ", which does not exist");
    }

    private static <T> List<T> list(java.util.Iterator<T> iterator) {
        List<T> list = new java.util.ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
