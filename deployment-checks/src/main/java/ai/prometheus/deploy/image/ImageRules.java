package ai.prometheus.deploy.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Our rules for a service's container image: built from the Quarkus fast-jar the module packages,
 * on a versioned base, run as a non-root user (unless the service has the documented exception),
 * with a health check; the image build is configured in the module (Quarkus container-image).
 */
public final class ImageRules {

    public static final String DOCKERFILE = "src/main/docker/Dockerfile.jvm";
    private static final List<String> FAST_JAR = List.of(
            "target/quarkus-app/lib/",
            "target/quarkus-app/quarkus-run.jar",
            "target/quarkus-app/app/",
            "target/quarkus-app/quarkus/");

    private ImageRules() {}

    /**
     * @param module the service's Maven module directory
     * @param mayRunAsRoot whether the service has the documented security exception
     * @param packages Debian packages the image must install (the sandbox's interpreters and tools)
     */
    public static List<String> check(Path module, boolean mayRunAsRoot, List<String> packages) {
        String service = module.getFileName().toString();
        List<String> violations = new ArrayList<>();
        Path file = module.resolve(DOCKERFILE);
        Dockerfile dockerfile;
        try {
            dockerfile = Dockerfile.read(file);
        } catch (IOException e) {
            return List.of(service + ": no " + DOCKERFILE);
        }
        violations.addAll(check(service, dockerfile, mayRunAsRoot, packages));
        violations.addAll(buildConfiguration(module));
        return violations;
    }

    static List<String> check(String service, Dockerfile dockerfile, boolean mayRunAsRoot, List<String> packages) {
        List<String> violations = new ArrayList<>();
        for (String from : dockerfile.all("FROM")) {
            String image = from.split("\\s+")[0];
            String lastPart = image.substring(image.lastIndexOf('/') + 1);
            if (!image.contains("@") && (!lastPart.contains(":") || lastPart.endsWith(":latest"))) {
                violations.add(service + ": base image " + image + " must name a version");
            }
        }
        Optional<String> user = dockerfile.last("USER");
        String uid = user.map(u -> u.split(":")[0]).orElse("0");
        boolean root = uid.equals("0") || uid.equals("root");
        if (root && !mayRunAsRoot) {
            violations.add(service + ": runs as root ("
                    + user.map(u -> "USER " + u).orElse("no USER instruction") + "); give it a non-root USER");
        }
        if (!root && !uid.matches("\\d+")) {
            violations.add(
                    service + ": USER " + user.get() + " must be numeric, so Kubernetes can verify runAsNonRoot");
        }
        if (dockerfile.all("HEALTHCHECK").stream().noneMatch(h -> h.contains("/q/health/ready"))) {
            violations.add(service + ": needs a HEALTHCHECK on /q/health/ready");
        }
        Optional<String> port = dockerfile.port();
        if (port.isEmpty()) {
            violations.add(service + ": must set ENV PORT, the port the service listens on");
        } else if (dockerfile.all("EXPOSE").stream().noneMatch(e -> e.equals(port.get()))) {
            violations.add(service + ": EXPOSE must name PORT " + port.get());
        }
        String copies = String.join("\n", dockerfile.all("COPY"));
        FAST_JAR.stream()
                .filter(part -> !copies.contains(part))
                .forEach(part -> violations.add(service + ": does not copy " + part + " of the Quarkus fast-jar"));
        if (dockerfile
                .last("ENTRYPOINT")
                .filter(e -> e.contains("quarkus-run.jar"))
                .isEmpty()) {
            violations.add(service + ": ENTRYPOINT must start quarkus-run.jar");
        }
        String installs = String.join("\n", dockerfile.all("RUN"));
        for (String name : packages) {
            if (!installs.matches("(?s).*apt-get install[^&]*\\b" + java.util.regex.Pattern.quote(name) + "\\b.*")) {
                violations.add(service + ": must install " + name);
            }
        }
        return violations;
    }

    /** The module can build its image: the container-image extension and its configuration are there. */
    private static List<String> buildConfiguration(Path module) {
        String service = module.getFileName().toString();
        List<String> violations = new ArrayList<>();
        try {
            if (!Files.readString(module.resolve("pom.xml"))
                    .contains("<artifactId>quarkus-container-image-docker</artifactId>")) {
                violations.add(
                        service + ": pom.xml needs io.quarkus:quarkus-container-image-docker to build its image");
            }
            String properties = Files.readString(module.resolve("src/main/resources/application.properties"));
            if (!properties.lines().anyMatch(line -> line.startsWith("quarkus.container-image.group="))) {
                violations.add(service + ": application.properties must set quarkus.container-image.group");
            }
            if (properties
                    .lines()
                    .anyMatch(line -> line.matches("\\s*quarkus\\.container-image\\.build\\s*=\\s*true.*"))) {
                violations.add(
                        service
                                + ": must not build an image on every package (only with -Dquarkus.container-image.build=true)");
            }
        } catch (IOException e) {
            violations.add(service + ": " + e.getMessage());
        }
        return violations;
    }

    /** The Debian packages each service's image needs beyond the JRE. */
    public static final Map<String, List<String>> REQUIRED_PACKAGES = Map.of(
            "sandbox-service",
            List.of("bubblewrap", "util-linux", "python3", "nodejs", "bash", "curl", "ca-certificates"));

    /** Services whose image may run as root: the sandbox, which drops to a uid of its own for every run. */
    public static final Set<String> MAY_RUN_AS_ROOT = Set.of("sandbox-service");
}
