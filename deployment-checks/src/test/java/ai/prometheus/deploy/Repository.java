package ai.prometheus.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The repository whose deployment files are checked, and what it holds. */
public final class Repository {

    /** The four services, each a Maven module with a Dockerfile, a compose service and a Deployment. */
    public static final List<String> SERVICES =
            List.of("tool-registry-service", "sandbox-service", "memory-guild-service", "guardian-service");
    /** The one service with a documented security exception (root in its own user namespace). */
    public static final String SANDBOX = "sandbox-service";

    private Repository() {}

    public static Path root() {
        return Path.of(System.getProperty("prometheus.repository", ".."))
                .toAbsolutePath()
                .normalize();
    }

    public static Path k8s() {
        return root().resolve("k8s");
    }

    /** The optional kustomize components an overlay may add (checked by their own tests). */
    public static Path components() {
        return k8s().resolve("components");
    }

    /** Every directory under k8s/ that holds a kustomization.yaml, components apart. */
    public static List<Path> kustomizations() {
        try (Stream<Path> files = Files.walk(k8s())) {
            return files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .map(Path::getParent)
                    .filter(p -> !p.startsWith(components()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
