package ai.prometheus.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken manifests are caught while reading, before any rule runs; kustomize features behave as kustomize's. */
class ManifestSetTest {

    @TempDir
    Path directory;

    private static final String KUSTOMIZATION = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: demo
            resources:
              - app.yaml
            """;

    private static final String CONFIG_MAP = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: app
            data:
              PORT: "8080"
            """;

    private ManifestSet load(String kustomization, Map<String, String> files) throws IOException {
        Files.writeString(directory.resolve("kustomization.yaml"), kustomization);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = directory.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        return ManifestSet.load(directory, directory);
    }

    private static void hasProblem(ManifestSet set, String expected) {
        assertTrue(
                set.problems().stream().anyMatch(p -> p.contains(expected)),
                "expected '" + expected + "' in " + set.problems());
    }

    @Test
    void aValidManifestLoadsIntoTheModelInTheKustomizationsNamespace() throws IOException {
        ManifestSet set = load(KUSTOMIZATION, Map.of("app.yaml", CONFIG_MAP));
        assertEquals(List.of(), set.problems());
        ConfigMap configMap = set.all(ConfigMap.class).get(0);
        assertEquals("demo", configMap.getMetadata().getNamespace());
        assertEquals(Map.of("PORT", "8080"), configMap.getData());
    }

    @Test
    void aFieldTheApiDoesNotHaveIsAProblem() throws IOException {
        ManifestSet set = load(KUSTOMIZATION, Map.of("app.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app
                spec:
                  selector:
                    matchLabels: {app: a}
                  template:
                    metadata:
                      labels: {app: a}
                    spec:
                      containers:
                        - name: app
                          image: app:1
                          imagePullPolicyy: Always
                """));
        hasProblem(set, "Deployment/app: unknown field spec.template.spec.containers[0].imagePullPolicyy");
    }

    @Test
    void aFieldAtTheWrongLevelIsAProblem() throws IOException {
        ManifestSet set = load(KUSTOMIZATION, Map.of("app.yaml", """
                apiVersion: v1
                kind: Service
                metadata:
                  name: app
                  selector: {app: a}
                spec:
                  ports: [{port: 80}]
                """));
        hasProblem(set, "Service/app: unknown field metadata.selector");
    }

    @Test
    void aNumberWhereTheApiWantsAStringIsAProblem() throws IOException {
        ManifestSet set = load(KUSTOMIZATION, Map.of("app.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: app
                data:
                  PORT: 8080
                """));
        hasProblem(set, "does not fit the Kubernetes schema");
    }

    @Test
    void aStringWhereTheApiWantsANumberIsAProblem() throws IOException {
        ManifestSet set = load(KUSTOMIZATION, Map.of("app.yaml", """
                apiVersion: v1
                kind: Service
                metadata:
                  name: app
                spec:
                  ports:
                    - port: "80"
                """));
        hasProblem(set, "does not fit the Kubernetes schema");
    }

    @Test
    void anUnknownKindIsAProblem() throws IOException {
        ManifestSet set = load(KUSTOMIZATION, Map.of("app.yaml", """
                apiVersion: v1
                kind: Deploymnet
                metadata:
                  name: app
                """));
        hasProblem(set, "unknown kind v1 Deploymnet");
    }

    @Test
    void aDuplicateKeyIsAProblem() throws IOException {
        ManifestSet set = load(KUSTOMIZATION, Map.of("app.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: app
                data:
                  PORT: "8080"
                  PORT: "8081"
                """));
        hasProblem(set, "not valid YAML");
    }

    @Test
    void anOctalLookingNumberIsAProblem() throws IOException {
        ManifestSet set = load(KUSTOMIZATION, Map.of("app.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: app
                spec:
                  containers: [{name: app, image: "app:1"}]
                  volumes:
                    - name: key
                      secret:
                        secretName: key
                        defaultMode: 0440
                """));
        hasProblem(set, "app.yaml:11: a number with a leading 0 is octal");
    }

    @Test
    void aManifestFileTheKustomizationDoesNotListIsAProblem() throws IOException {
        ManifestSet set = load(
                KUSTOMIZATION,
                Map.of("app.yaml", CONFIG_MAP, "forgotten.yaml", CONFIG_MAP.replace("name: app", "name: other")));
        hasProblem(set, "kustomization.yaml: does not list forgotten.yaml among its resources");
    }

    @Test
    void aListedFileThatDoesNotExistIsAProblem() throws IOException {
        ManifestSet set = load(
                KUSTOMIZATION.replace("- app.yaml", "- app.yaml\n  - missing.yaml"), Map.of("app.yaml", CONFIG_MAP));
        hasProblem(set, "lists missing.yaml, which does not exist");
    }

    @Test
    void aKustomizeFeatureTheChecksDoNotModelIsAProblem() throws IOException {
        ManifestSet set = load(KUSTOMIZATION + "commonLabels:\n  app: a\n", Map.of("app.yaml", CONFIG_MAP));
        hasProblem(set, "not a kustomization the checks understand");
    }

    @Test
    void generatorsCreateMergeAndReplaceAsKustomizeDoes() throws IOException {
        ManifestSet set = load(KUSTOMIZATION + """
                configMapGenerator:
                  - name: app
                    behavior: merge
                    literals: [ISSUER=dev]
                  - name: scripts
                    files: [scripts/init.sh]
                secretGenerator:
                  - name: key
                    files: [public.pem=keys/public.pem]
                """, Map.of("app.yaml", CONFIG_MAP, "scripts/init.sh", "echo hi\n"));
        assertEquals(List.of(), set.problems());
        assertEquals(
                Map.of("PORT", "8080", "ISSUER", "dev"),
                set.find(ConfigMap.class, "demo", "app").orElseThrow().getData());
        assertEquals(
                Map.of("init.sh", "echo hi\n"),
                set.find(ConfigMap.class, "demo", "scripts").orElseThrow().getData());
        assertEquals(
                Map.of("public.pem", ""),
                set.find(Secret.class, "demo", "key").orElseThrow().getStringData());
        assertEquals(List.of(directory.resolve("keys/public.pem")), set.operatorSupplied());
    }

    @Test
    void mergingIntoAMissingObjectIsAProblem() throws IOException {
        ManifestSet set = load(KUSTOMIZATION + """
                secretGenerator:
                  - name: absent
                    behavior: replace
                    literals: [A=b]
                """, Map.of("app.yaml", CONFIG_MAP));
        hasProblem(set, "behavior replace needs an existing Secret absent");
    }

    @Test
    void aGeneratorReadingOutsideItsDirectoryIsAProblem() throws IOException {
        ManifestSet set = load(KUSTOMIZATION + """
                configMapGenerator:
                  - name: outside
                    files: [../init.sh]
                """, Map.of("app.yaml", CONFIG_MAP));
        hasProblem(set, "from outside the kustomization's directory");
    }
}
