package ai.prometheus.deploy.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.deploy.Repository;
import ai.prometheus.deploy.compose.ComposeCli;
import ai.prometheus.deploy.k8s.ManifestSet;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each service's Dockerfile and image build configuration, and that every deployment file agrees with the image. */
class ContainerImagesTest {

    static List<String> services() {
        return Repository.SERVICES;
    }

    @ParameterizedTest
    @MethodSource("services")
    void theImageKeepsOurRules(String service) {
        assertEquals(
                List.of(),
                ImageRules.check(
                        Repository.root().resolve(service),
                        ImageRules.MAY_RUN_AS_ROOT.contains(service),
                        ImageRules.REQUIRED_PACKAGES.getOrDefault(service, List.of())));
    }

    /**
     * The image, docker-compose.yml and the Deployment name the same image and the same port:
     * compose the local build (project version), Kubernetes the release from the registry kustomize sets.
     */
    @ParameterizedTest
    @MethodSource("services")
    void composeAndKubernetesRunTheImageAsBuilt(String service) throws IOException {
        Dockerfile dockerfile =
                Dockerfile.read(Repository.root().resolve(service).resolve(ImageRules.DOCKERFILE));
        String port = dockerfile.port().orElseThrow();

        ComposeCli cli = ComposeCli.find()
                .orElseThrow(() -> new AssertionError("no Docker Compose CLI (apt-get install docker-compose)"));
        JsonNode compose = new YAMLMapper()
                .readTree(cli.config(Repository.root().resolve("docker-compose.yml"), Repository.root())
                        .stdout());
        JsonNode composed = compose.path("services").path(service);
        assertEquals(port, composed.path("environment").path("PORT").asText());
        assertEquals(
                "prometheus/" + service + ":0.1.0-SNAPSHOT",
                composed.path("image").asText());

        ManifestSet base = ManifestSet.load(Repository.k8s().resolve("base"), Repository.root());
        Deployment deployment = base.all(Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals(service))
                .findFirst()
                .orElseThrow();
        var container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(KUBERNETES_REGISTRY + "/prometheus/" + service + ":" + RELEASE, container.getImage());
        assertEquals(Integer.valueOf(port), container.getPorts().get(0).getContainerPort());
        assertEquals(
                port,
                base.all(ConfigMap.class).stream()
                        .filter(c -> c.getMetadata().getName().equals(service))
                        .findFirst()
                        .orElseThrow()
                        .getData()
                        .get("PORT"));
    }

    @Test
    void theImageVersionIsTheProjectVersion() throws IOException {
        String pom = Files.readString(Repository.root().resolve("pom.xml"));
        assertTrue(
                pom.contains("<version>" + RELEASE + "-SNAPSHOT</version>"),
                "compose runs the project version's local build and k8s/ its release: update docker-compose.yml and"
                        + " the images of k8s/base/kustomization.yaml with it");
    }

    /** The placeholder registry and the release the base's kustomization points the images at. */
    private static final String KUBERNETES_REGISTRY = "registry.example.com";

    private static final String RELEASE = "0.1.0";

    private static void breaks(String dockerfile, boolean mayRunAsRoot, List<String> packages, String expected) {
        List<String> violations =
                ImageRules.check("example-service", Dockerfile.parse(dockerfile), mayRunAsRoot, packages);
        assertTrue(
                violations.stream().anyMatch(v -> v.contains(expected)),
                "expected '" + expected + "' in " + violations);
    }

    private static final String GOOD = """
            FROM debian:bookworm-slim
            RUN apt-get update \\
             && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl \\
             && rm -rf /var/lib/apt/lists/*
            WORKDIR /deployments
            COPY target/quarkus-app/lib/ lib/
            COPY target/quarkus-app/quarkus-run.jar ./
            COPY target/quarkus-app/app/ app/
            COPY target/quarkus-app/quarkus/ quarkus/
            ENV PORT=8085 \\
                JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=50"
            EXPOSE 8085
            USER 10001:10001
            HEALTHCHECK CMD curl -fsS "http://127.0.0.1:${PORT}/q/health/ready" || exit 1
            ENTRYPOINT ["java", "-jar", "/deployments/quarkus-run.jar"]
            """;

    @Test
    void aGoodDockerfilePasses() {
        assertEquals(List.of(), ImageRules.check("example-service", Dockerfile.parse(GOOD), false, List.of("curl")));
    }

    @Test
    void anImageWithoutAUserRunsAsRootAndFails() {
        breaks(GOOD.replace("USER 10001:10001\n", ""), false, List.of(), "runs as root (no USER instruction)");
    }

    @Test
    void rootIsAllowedOnlyWithTheException() {
        String root = GOOD.replace("USER 10001:10001", "USER 0:0");
        breaks(root, false, List.of(), "runs as root (USER 0:0)");
        assertEquals(List.of(), ImageRules.check("example-service", Dockerfile.parse(root), true, List.of()));
    }

    @Test
    void aNamedUserFails() {
        breaks(GOOD.replace("USER 10001:10001", "USER app"), false, List.of(), "must be numeric");
    }

    @Test
    void anUnversionedBaseFails() {
        breaks(
                GOOD.replace("debian:bookworm-slim", "debian"),
                false,
                List.of(),
                "base image debian must name a version");
    }

    @Test
    void aMissingHealthcheckFails() {
        breaks(GOOD.replaceAll("HEALTHCHECK.*\\n", ""), false, List.of(), "needs a HEALTHCHECK");
    }

    @Test
    void exposingAnotherPortFails() {
        breaks(GOOD.replace("EXPOSE 8085", "EXPOSE 8080"), false, List.of(), "EXPOSE must name PORT 8085");
    }

    @Test
    void aMissingPackageFails() {
        breaks(GOOD, false, List.of("bubblewrap"), "must install bubblewrap");
    }

    @Test
    void anIncompleteFastJarFails() {
        breaks(
                GOOD.replace("COPY target/quarkus-app/quarkus/ quarkus/\n", ""),
                false,
                List.of(),
                "does not copy target/quarkus-app/quarkus/");
    }
}
