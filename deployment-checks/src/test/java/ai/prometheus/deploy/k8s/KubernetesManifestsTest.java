package ai.prometheus.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.deploy.Repository;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The manifests under k8s/, as `kubectl apply -k` would send them, against the schema and our rules. */
class KubernetesManifestsTest {

    static List<Path> kustomizations() {
        return Repository.kustomizations();
    }

    private static ManifestSet load(String directory) {
        return ManifestSet.load(Repository.k8s().resolve(directory), Repository.root());
    }

    @Test
    void thereAreTheBaseItsTwoNamespacesTheRootAndTheDemoOverlay() {
        Path k8s = Repository.k8s();
        assertEquals(
                List.of(
                        k8s,
                        k8s.resolve("base"),
                        k8s.resolve("base/core"),
                        k8s.resolve("base/sandbox"),
                        k8s.resolve("overlays/demo")),
                kustomizations());
    }

    /** The one namespace Pod Security does not hold to "restricted" runs the sandbox and nothing else. */
    @Test
    void theSandboxRunsAloneInTheOnlyNamespaceBelowRestricted() {
        for (String directory : List.of("base", "overlays/demo")) {
            ManifestSet set = load(directory);
            Map<String, String> levels = set.all(Namespace.class).stream()
                    .collect(Collectors.toMap(
                            n -> n.getMetadata().getName(),
                            n -> n.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce")));
            assertEquals(Map.of(CORE, "restricted", SANDBOX_NAMESPACE, "privileged"), levels, directory);
            assertEquals(
                    List.of(Repository.SANDBOX),
                    Workload.in(set).stream()
                            .filter(w -> w.namespace().equals(SANDBOX_NAMESPACE))
                            .map(Workload::name)
                            .toList(),
                    directory);
        }
    }

    /** The sandbox's namespace repeats the platform settings; they must say the same thing. */
    @Test
    void thePlatformSettingsAgreeInBothNamespaces() {
        for (String directory : List.of("base", "overlays/demo")) {
            ManifestSet set = load(directory);
            Map<String, String> core = set.find(ConfigMap.class, CORE, "prometheus-platform")
                    .orElseThrow()
                    .getData();
            Map<String, String> sandbox =
                    new java.util.HashMap<>(set.find(ConfigMap.class, SANDBOX_NAMESPACE, "prometheus-platform")
                            .orElseThrow()
                            .getData());
            // Hosts in the services' namespace are qualified with it from the sandbox's.
            assertEquals(core.get("DB_HOST") + "." + CORE, sandbox.remove("DB_HOST"), directory);
            String kafka = core.get("KAFKA_BOOTSTRAP_SERVERS");
            assertEquals(
                    kafka.replaceFirst(":", "." + CORE + ":"), sandbox.remove("KAFKA_BOOTSTRAP_SERVERS"), directory);
            Map<String, String> rest = new java.util.HashMap<>(core);
            rest.remove("DB_HOST");
            rest.remove("KAFKA_BOOTSTRAP_SERVERS");
            assertEquals(rest, sandbox, directory);
        }
    }

    private static final String CORE = "prometheus-ai";
    private static final String SANDBOX_NAMESPACE = "prometheus-ai-sandbox";

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyManifestFitsTheKubernetesSchemaAndIsListed(Path directory) {
        ManifestSet set = ManifestSet.load(directory, Repository.root());
        assertEquals(List.of(), set.problems(), "problems in " + directory);
        assertFalse(set.manifests().isEmpty());
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyKustomizationKeepsOurRules(Path directory) {
        ManifestSet set = ManifestSet.load(directory, Repository.root());
        assertEquals(List.of(), KubernetesRules.check(set), "rules broken in " + directory);
    }

    @Test
    void onlyTheDemoKeyPairIsLeftToTheOperator() {
        assertEquals(List.of(), load("base").operatorSupplied());
        Path keys = Repository.k8s().resolve("overlays/demo/keys");
        assertEquals(
                Set.of(keys.resolve("public.pem"), keys.resolve("private.pem")),
                Set.copyOf(load("overlays/demo").operatorSupplied()));
    }

    @Test
    void everyManifestFileBelongsToAKustomization() throws IOException {
        Set<Path> kustomized = Set.copyOf(kustomizations());
        try (Stream<Path> files = Files.walk(Repository.k8s())) {
            List<Path> stray = files.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !kustomized.contains(p.getParent()))
                    .filter(p -> !MonitoringTest.isComponentFile(p))
                    .toList();
            assertEquals(List.of(), stray);
        }
    }

    @Test
    void theBaseHasWhatEachServiceNeeds() {
        ManifestSet base = load("base");
        for (String service : Repository.SERVICES) {
            String namespace = service.equals(Repository.SANDBOX) ? SANDBOX_NAMESPACE : CORE;
            assertTrue(base.find(Deployment.class, namespace, service).isPresent(), "Deployment " + service);
            assertTrue(base.find(Service.class, namespace, service).isPresent(), "Service " + service);
            assertTrue(base.find(ConfigMap.class, namespace, service).isPresent(), "ConfigMap " + service);
            String database = service.replaceFirst("-service$", "") + "-db";
            Secret credentials = base.find(Secret.class, namespace, database)
                    .orElseThrow(() -> new AssertionError("Secret " + database));
            assertEquals(
                    Set.of("DB_USER", "DB_PASSWORD"),
                    credentials.getStringData().keySet());
        }
        assertTrue(base.find(Secret.class, CORE, "prometheus-jwt").isPresent());
        assertTrue(base.find(Secret.class, SANDBOX_NAMESPACE, "prometheus-jwt").isPresent());
        assertEquals(
                Set.of("tool-registry-service", "sandbox-service"),
                base.all(HorizontalPodAutoscaler.class).stream()
                        .map(h -> h.getSpec().getScaleTargetRef().getName())
                        .collect(Collectors.toSet()));
        // Engines are external in the base, StatefulSets only in the demo.
        assertEquals(List.of(), base.all(StatefulSet.class));
        assertEquals(
                Set.of("postgres", "kafka"),
                load("overlays/demo").all(StatefulSet.class).stream()
                        .map(s -> s.getMetadata().getName())
                        .collect(Collectors.toSet()));
    }

    @Test
    void eachServiceReadsOnlyItsOwnDatabaseCredentialsAndOnlyTheRegistryAndTheSandboxHoldSigningKeys() {
        ManifestSet base = load("base");
        for (Deployment deployment : base.all(Deployment.class)) {
            String service = deployment.getMetadata().getName();
            var pod = deployment.getSpec().getTemplate().getSpec();
            Set<String> secrets = new java.util.HashSet<>();
            pod.getContainers()
                    .forEach(c -> c.getEnvFrom().stream()
                            .filter(e -> e.getSecretRef() != null)
                            .forEach(e -> secrets.add(e.getSecretRef().getName())));
            pod.getVolumes().stream()
                    .filter(v -> v.getSecret() != null)
                    .forEach(v -> secrets.add(v.getSecret().getSecretName()));
            Set<String> expected =
                    new java.util.HashSet<>(Set.of(service.replaceFirst("-service$", "") + "-db", "prometheus-jwt"));
            if (service.equals("tool-registry-service")) {
                expected.add("tool-registry-identity");
                expected.add("tool-registry-secrets-key");
            }
            if (service.equals("sandbox-service")) {
                expected.add("sandbox-identity");
            }
            assertEquals(expected, secrets, service);
        }
    }

    /**
     * "Nothing into the sandbox but the registry": with the default deny of the sandbox's namespace,
     * the only ingress its pods admit is from the registry's pods in the services' namespace, on the
     * sandbox port.
     */
    @Test
    void onlyTheRegistryMayConnectToTheSandbox() {
        for (String directory : List.of("base", "overlays/demo")) {
            ManifestSet set = load(directory);
            Deployment sandbox = set.all(Deployment.class).stream()
                    .filter(d -> d.getMetadata().getName().equals(Repository.SANDBOX))
                    .findFirst()
                    .orElseThrow();
            Map<String, String> sandboxLabels =
                    sandbox.getSpec().getTemplate().getMetadata().getLabels();
            List<NetworkPolicy> governing = set.all(NetworkPolicy.class).stream()
                    .filter(p -> p.getMetadata()
                            .getNamespace()
                            .equals(sandbox.getMetadata().getNamespace()))
                    .filter(p -> p.getSpec().getPolicyTypes().contains("Ingress"))
                    .filter(p -> Selectors.matches(p.getSpec().getPodSelector(), sandboxLabels))
                    .toList();
            assertTrue(
                    governing.stream()
                            .anyMatch(p -> Selectors.isEmpty(p.getSpec().getPodSelector())
                                    && (p.getSpec().getIngress() == null
                                            || p.getSpec().getIngress().isEmpty())),
                    "a default deny");
            List<NetworkPolicyPeer> peers = new ArrayList<>();
            for (NetworkPolicy policy : governing) {
                for (var rule : policy.getSpec().getIngress() == null
                        ? List.<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule>of()
                        : policy.getSpec().getIngress()) {
                    assertTrue(
                            rule.getFrom() != null && !rule.getFrom().isEmpty(),
                            policy.getMetadata().getName() + " admits anyone into the sandbox");
                    assertEquals(
                            List.of(8082),
                            rule.getPorts().stream()
                                    .map(p -> p.getPort().getIntVal())
                                    .toList());
                    peers.addAll(rule.getFrom());
                }
            }
            assertFalse(peers.isEmpty());
            for (NetworkPolicyPeer peer : peers) {
                assertEquals(
                        Map.of("kubernetes.io/metadata.name", CORE),
                        peer.getNamespaceSelector().getMatchLabels(),
                        "from the registry's namespace only");
                assertTrue(peer.getNamespaceSelector().getMatchExpressions() == null
                        || peer.getNamespaceSelector().getMatchExpressions().isEmpty());
                assertEquals(null, peer.getIpBlock(), "from an address range");
                assertEquals(
                        Map.of("app.kubernetes.io/name", "tool-registry-service"),
                        peer.getPodSelector().getMatchLabels());
            }
        }
    }

    @Test
    void theSandboxIsTheOnlyWorkloadWithASecurityException() {
        ManifestSet demo = load("overlays/demo");
        List<String> excepted = Workload.in(demo).stream()
                .filter(w -> w.podAnnotations().containsKey(KubernetesRules.SECURITY_EXCEPTION))
                .map(Workload::name)
                .toList();
        assertEquals(List.of(Repository.SANDBOX), excepted);
    }

    @Test
    void theDemoOverlayReplacesEveryPlaceholderSecret() {
        ManifestSet demo = load("overlays/demo");
        for (Secret secret : demo.all(Secret.class)) {
            Map<String, String> values = secret.getStringData() == null ? Map.of() : secret.getStringData();
            values.forEach((key, value) -> assertFalse(
                    value.contains("replace"),
                    secret.getMetadata().getName() + "/" + key + " still holds the placeholder"));
        }
        for (String namespace : List.of(CORE, SANDBOX_NAMESPACE)) {
            String issuer = demo.find(ConfigMap.class, namespace, "prometheus-platform")
                    .orElseThrow()
                    .getData()
                    .get("JWT_ISSUER");
            assertEquals("prometheus-dev", issuer, "tokens from bin/prometheus token carry this issuer");
        }
    }

    @Test
    void everyObjectIsLabelledAsPartOfPrometheus() {
        for (HasMetadata object :
                load("overlays/demo").manifests().stream().map(Manifest::object).toList()) {
            Map<String, String> labels = object.getMetadata().getLabels();
            assertEquals(
                    "prometheus",
                    labels == null ? null : labels.get("app.kubernetes.io/part-of"),
                    object.getKind() + "/" + object.getMetadata().getName());
        }
    }
}
