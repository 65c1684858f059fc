package ai.prometheus.deploy.compose;

import ai.prometheus.deploy.k8s.KubernetesRules;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * Our own rules for docker-compose.yml, checked on the file as the compose CLI resolved it
 * ({@code config}): every service we build gets every address, its own database role, a health
 * check, ordered start-up and the hardening defaults; only the documented exception runs as root,
 * with nothing beyond the capabilities the Kubernetes exception may have.
 */
public final class ComposeRules {

    /** What every service reads from its environment (shared-model and application.properties). */
    public static final List<String> PLATFORM_ENVIRONMENT = List.of(
            "PORT",
            "DB_HOST",
            "DB_PORT",
            "DB_NAME",
            "DB_USER",
            "DB_PASSWORD",
            "KAFKA_BOOTSTRAP_SERVERS",
            "JWT_PUBLIC_KEY_LOCATION",
            "JWT_ISSUER",
            "OTEL_EXPORTER_OTLP_ENDPOINT");

    private static final String DOCKERFILE = "src/main/docker/Dockerfile.jvm";

    private final JsonNode services;
    private final Set<String> mayRunAsRoot;
    private final Set<Path> operatorSupplied;
    private final List<String> violations = new ArrayList<>();

    private ComposeRules(JsonNode config, Set<String> mayRunAsRoot, Set<Path> operatorSupplied) {
        this.services = config.path("services");
        this.mayRunAsRoot = mayRunAsRoot;
        this.operatorSupplied = operatorSupplied;
    }

    /**
     * @param config the output of {@code compose config}, parsed
     * @param mayRunAsRoot services with a documented security exception
     * @param operatorSupplied bind-mount sources the operator creates (not in the repository)
     */
    public static List<String> check(JsonNode config, Set<String> mayRunAsRoot, Set<Path> operatorSupplied) {
        ComposeRules rules = new ComposeRules(config, mayRunAsRoot, operatorSupplied);
        if (!rules.services.isObject() || rules.services.isEmpty()) {
            return List.of("the file defines no services");
        }
        rules.services.fields().forEachRemaining(entry -> rules.service(entry.getKey(), entry.getValue()));
        rules.databaseRoles();
        return rules.violations;
    }

    private void violation(String service, String message) {
        violations.add(service + ": " + message);
    }

    private void service(String name, JsonNode service) {
        if (service.path("privileged").asBoolean(false)) {
            violation(name, "must not be privileged");
        }
        bindMounts(name, service);
        publishedPorts(name, service);
        if (service.has("build")) {
            builtService(name, service);
        }
    }

    /** The four Prometheus services: the ones this file builds. */
    private void builtService(String name, JsonNode service) {
        JsonNode build = service.path("build");
        if (!build.path("context").asText().endsWith("/" + name)
                || !DOCKERFILE.equals(build.path("dockerfile").asText())) {
            violation(name, "must build from its own module with " + DOCKERFILE);
        }
        String image = service.path("image").asText();
        if (!image.matches(".+/" + name + ":[^:/]+")) {
            violation(
                    name,
                    "image " + image + " must be <prefix>/" + name + ":<tag>, the name the Quarkus build gives it");
        }
        JsonNode environment = service.path("environment");
        for (String variable : PLATFORM_ENVIRONMENT) {
            if (environment.path(variable).asText("").isBlank()) {
                violation(name, "does not set " + variable);
            }
        }
        String test = StreamSupport.stream(
                        service.path("healthcheck").path("test").spliterator(), false)
                .map(JsonNode::asText)
                .reduce("", (a, b) -> a + " " + b);
        if (!test.contains("/q/health/ready")) {
            violation(name, "needs a healthcheck on /q/health/ready");
        }
        for (String engine : List.of("postgres", "kafka")) {
            if (!"service_healthy"
                    .equals(service.path("depends_on")
                            .path(engine)
                            .path("condition")
                            .asText())) {
                violation(name, "must wait for " + engine + " to be healthy (depends_on condition service_healthy)");
            }
        }
        if (!service.path("read_only").asBoolean(false)) {
            violation(name, "must have a read-only root file system (read_only: true)");
        }
        if (!contains(service.path("cap_drop"), "ALL")) {
            violation(name, "must drop ALL capabilities");
        }
        if (!contains(service.path("security_opt"), "no-new-privileges:true")) {
            violation(name, "must set security_opt no-new-privileges:true");
        }
        if (!service.has("mem_limit")) {
            violation(name, "needs a memory limit (mem_limit)");
        }
        String user = service.path("user").asText("");
        boolean root = user.equals("0") || user.startsWith("0:") || user.equals("root") || user.startsWith("root:");
        List<String> added = new ArrayList<>();
        service.path("cap_add").forEach(capability -> added.add(capability.asText()));
        if (root || !added.isEmpty()) {
            if (!mayRunAsRoot.contains(name)) {
                violation(name, "runs as root or adds capabilities " + added + " without a documented exception");
            } else {
                added.stream()
                        .filter(c -> !KubernetesRules.EXCEPTION_CAPABILITIES.contains(c))
                        .forEach(c -> violation(
                                name,
                                "adds " + c + ", beyond what the exception may add "
                                        + KubernetesRules.EXCEPTION_CAPABILITIES));
            }
        }
    }

    /** Each service connects as its own role, the one the Postgres container's init script creates for it. */
    private void databaseRoles() {
        JsonNode postgres = services.path("postgres").path("environment");
        Map<String, String> users = new HashMap<>();
        services.fields().forEachRemaining(entry -> {
            if (!entry.getValue().has("build")) {
                return;
            }
            String name = entry.getKey();
            JsonNode environment = entry.getValue().path("environment");
            String prefix = name.replaceFirst("-service$", "").replace('-', '_').toUpperCase(Locale.ROOT);
            String user = environment.path("DB_USER").asText("");
            if (!user.equals(postgres.path(prefix + "_DB_USER").asText(null))
                    || !environment
                            .path("DB_PASSWORD")
                            .asText("")
                            .equals(postgres.path(prefix + "_DB_PASSWORD").asText(null))) {
                violation(
                        name,
                        "DB_USER/DB_PASSWORD must be the role postgres creates from " + prefix + "_DB_USER/" + prefix
                                + "_DB_PASSWORD");
            }
            String other = users.put(user, name);
            if (other != null) {
                violation(name, "shares database role " + user + " with " + other + "; each service needs its own");
            }
        });
    }

    private void bindMounts(String name, JsonNode service) {
        for (JsonNode volume : service.path("volumes")) {
            String source = volume.isTextual()
                    ? volume.asText().split(":")[0]
                    : volume.path("source").asText("");
            boolean bind = volume.isTextual()
                    ? source.startsWith("/")
                    : "bind".equals(volume.path("type").asText());
            if (bind
                    && !Files.exists(Path.of(source))
                    && !operatorSupplied.contains(Path.of(source).normalize())) {
                violation(name, "mounts " + source + ", which does not exist");
            }
        }
    }

    /** Published ports listen on the loopback interface only: nothing is exposed to the network by default. */
    private void publishedPorts(String name, JsonNode service) {
        for (JsonNode port : service.path("ports")) {
            String hostIp;
            String target;
            if (port.isTextual()) {
                String[] parts = port.asText().split("/")[0].split(":");
                hostIp = parts.length == 3 ? parts[0] : "";
                target = parts[parts.length - 1];
            } else {
                hostIp = port.path("host_ip").asText("");
                target = port.path("target").asText();
            }
            if (!hostIp.equals("127.0.0.1")) {
                violation(name, "publishes port " + target + " on every interface; bind it to 127.0.0.1");
            }
            String servicePort = service.path("environment").path("PORT").asText(null);
            if (service.has("build") && !target.equals(servicePort)) {
                violation(name, "publishes container port " + target + " but listens on PORT " + servicePort);
            }
        }
    }

    private static boolean contains(JsonNode list, String value) {
        for (JsonNode item : list) {
            if (value.equals(item.asText())) {
                return true;
            }
        }
        return false;
    }
}
