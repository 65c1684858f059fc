package ai.prometheus.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.deploy.Repository;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each rule fails when it is broken: the real base, loaded, then changed in one place. (That the
 * real manifests pass is KubernetesManifestsTest.)
 */
class KubernetesRulesTest {

    private static ManifestSet base() {
        return ManifestSet.load(Repository.k8s().resolve("base"), Repository.root());
    }

    private static Deployment deployment(ManifestSet set, String name) {
        return set.all(Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static Container container(ManifestSet set, String name) {
        return deployment(set, name)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    private static PodSpec pod(ManifestSet set, String name) {
        return deployment(set, name).getSpec().getTemplate().getSpec();
    }

    /** Applies {@code change} to a fresh base and expects exactly one violation containing {@code expected}. */
    private static void breaks(Consumer<ManifestSet> change, String expected) {
        ManifestSet set = base();
        assertEquals(List.of(), KubernetesRules.check(set), "the base itself must pass");
        change.accept(set);
        List<String> violations = KubernetesRules.check(set);
        assertTrue(
                violations.stream().anyMatch(v -> v.contains(expected)),
                "expected '" + expected + "' in " + violations);
    }

    @Test
    void aDeploymentWithoutAReadinessProbeFails() {
        breaks(
                set -> container(set, "guardian-service").setReadinessProbe(null),
                "Deployment/guardian-service container guardian-service: has no readinessProbe");
    }

    @Test
    void aStartupProbeOnTheWrongPathFails() {
        breaks(
                set -> container(set, "memory-guild-service")
                        .getStartupProbe()
                        .getHttpGet()
                        .setPath("/q/health"),
                "startupProbe must be an HTTP GET of /q/health/started");
    }

    @Test
    void aProbeOnAnUndeclaredPortFails() {
        breaks(
                set -> container(set, "guardian-service")
                        .getLivenessProbe()
                        .getHttpGet()
                        .setPort(new io.fabric8.kubernetes.api.model.IntOrString("management")),
                "checks port management");
    }

    @Test
    void aContainerWithoutAMemoryLimitFails() {
        breaks(
                set -> container(set, "tool-registry-service")
                        .getResources()
                        .getLimits()
                        .remove("memory"),
                "has no memory limit");
    }

    @Test
    void requestingMoreThanTheLimitFails() {
        breaks(
                set -> container(set, "guardian-service")
                        .getResources()
                        .getRequests()
                        .put("memory", new Quantity("4Gi")),
                "requests more memory");
    }

    @Test
    void runningAsRootWithoutAnExceptionFails() {
        breaks(
                set -> {
                    pod(set, "guardian-service").getSecurityContext().setRunAsNonRoot(false);
                    pod(set, "guardian-service").getSecurityContext().setRunAsUser(0L);
                },
                "must run as non-root");
    }

    @Test
    void allowingPrivilegeEscalationFails() {
        breaks(
                set -> container(set, "memory-guild-service")
                        .getSecurityContext()
                        .setAllowPrivilegeEscalation(true),
                "must set allowPrivilegeEscalation: false");
    }

    @Test
    void addingACapabilityWithoutAnExceptionFails() {
        breaks(
                set -> container(set, "tool-registry-service")
                        .getSecurityContext()
                        .getCapabilities()
                        .setAdd(List.of("NET_RAW")),
                "adds capabilities [NET_RAW] without a documented exception");
    }

    @Test
    void aWritableRootFileSystemFails() {
        breaks(
                set -> container(set, "guardian-service").getSecurityContext().setReadOnlyRootFilesystem(false),
                "must have a read-only root file system");
    }

    @Test
    void anUnconfinedSeccompProfileWithoutAnExceptionFails() {
        breaks(
                set -> pod(set, "guardian-service")
                        .getSecurityContext()
                        .getSeccompProfile()
                        .setType("Unconfined"),
                "must use the RuntimeDefault");
    }

    @Test
    void theSandboxExceptionNeedsItsOwnUserNamespace() {
        breaks(
                set -> pod(set, "sandbox-service").setHostUsers(null),
                "needs its own user namespace (hostUsers: false)");
    }

    @Test
    void theSandboxExceptionCannotAddSysAdmin() {
        breaks(
                set -> container(set, "sandbox-service")
                        .getSecurityContext()
                        .getCapabilities()
                        .setAdd(List.of("SETUID", "SYS_ADMIN")),
                "adds SYS_ADMIN");
    }

    @Test
    void theSandboxExceptionCannotBePrivileged() {
        breaks(
                set -> container(set, "sandbox-service").getSecurityContext().setPrivileged(true),
                "must not be privileged");
    }

    @Test
    void anExceptionWithoutAReasonFails() {
        breaks(
                set -> deployment(set, "sandbox-service")
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .put(KubernetesRules.SECURITY_EXCEPTION, " "),
                "must give the reason");
    }

    @Test
    void withoutItsExceptionTheSandboxBreaksTheNonRootRule() {
        breaks(
                set -> deployment(set, "sandbox-service")
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .remove(KubernetesRules.SECURITY_EXCEPTION),
                "Deployment/sandbox-service container sandbox-service: must run as non-root");
    }

    @Test
    void anImageWithoutAVersionFails() {
        breaks(
                set -> container(set, "guardian-service")
                        .setImage("registry.example.com/prometheus/guardian-service:latest"),
                "must name a version");
    }

    @Test
    void aServiceThatSelectsNoPodsFails() {
        breaks(
                set -> set.all(Service.class).stream()
                        .filter(s -> s.getMetadata().getName().equals("sandbox-service"))
                        .findFirst()
                        .orElseThrow()
                        .getSpec()
                        .setSelector(Map.of("app.kubernetes.io/name", "sandbox")),
                "Service/sandbox-service: selects no Deployment's or StatefulSet's pods");
    }

    @Test
    void aServiceTargetingAnUndeclaredPortFails() {
        breaks(
                set -> set.all(Service.class)
                        .get(0)
                        .getSpec()
                        .getPorts()
                        .get(0)
                        .setTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(9999)),
                "targets 9999");
    }

    @Test
    void aNetworkPolicyThatSelectsNoPodsFails() {
        breaks(
                set -> set.all(NetworkPolicy.class).stream()
                        .filter(p -> p.getMetadata().getName().equals("sandbox-ingress"))
                        .findFirst()
                        .orElseThrow()
                        .getSpec()
                        .getPodSelector()
                        .setMatchLabels(Map.of("app.kubernetes.io/name", "sandbox")),
                "NetworkPolicy/sandbox-ingress: its podSelector matches no pods");
    }

    @Test
    void aNetworkPolicyRuleNamingMissingPodsFails() {
        breaks(
                set -> set.all(NetworkPolicy.class).stream()
                        .filter(p -> p.getMetadata().getName().equals("sandbox-ingress"))
                        .findFirst()
                        .orElseThrow()
                        .getSpec()
                        .getIngress()
                        .get(0)
                        .getFrom()
                        .get(0)
                        .getPodSelector()
                        .setMatchLabels(Map.of("app.kubernetes.io/name", "registry")),
                "a rule names pods");
    }

    @Test
    void anAutoscalerOfAMissingDeploymentFails() {
        breaks(
                set -> set.all(HorizontalPodAutoscaler.class)
                        .get(0)
                        .getSpec()
                        .getScaleTargetRef()
                        .setName("registry"),
                "which does not exist");
    }

    @Test
    void anAutoscaledDeploymentThatSetsReplicasFails() {
        breaks(
                set -> deployment(set, "sandbox-service").getSpec().setReplicas(3),
                "sets replicas, which the autoscaler owns");
    }

    @Test
    void environmentFromAMissingConfigMapFails() {
        breaks(
                set -> container(set, "guardian-service")
                        .getEnvFrom()
                        .add(new EnvFromSourceBuilder()
                                .withNewConfigMapRef()
                                .withName("guardian-extra")
                                .endConfigMapRef()
                                .build()),
                "takes its environment from ConfigMap guardian-extra, which does not exist");
    }

    @Test
    void mountingAMissingSecretFails() {
        breaks(
                set -> pod(set, "memory-guild-service").getVolumes().stream()
                        .filter(v -> v.getSecret() != null)
                        .findFirst()
                        .orElseThrow()
                        .getSecret()
                        .setSecretName("jwt"),
                "mounts Secret jwt, which does not exist");
    }

    @Test
    void aPortThatTheServiceDoesNotListenOnFails() {
        breaks(
                set -> container(set, "guardian-service").getPorts().get(0).setContainerPort(8080),
                "listens on PORT 8084 but declares no such containerPort");
    }

    @Test
    void anObjectOutsideTheNamespaceFails() {
        breaks(
                set -> set.all(Service.class).get(0).getMetadata().setNamespace("default"),
                "is in namespace default, which no Namespace object creates");
    }

    @Test
    void anImageOfADevelopmentBuildFails() {
        breaks(
                set -> container(set, "guardian-service")
                        .setImage("registry.example.com/prometheus/guardian-service:0.2.0-SNAPSHOT"),
                "is a development build (SNAPSHOT)");
    }

    @Test
    void anImageThatNamesNoRegistryFails() {
        breaks(
                set -> container(set, "guardian-service").setImage("prometheus/guardian-service:0.1.0"),
                "names no registry, so it is pulled from Docker Hub");
    }

    @Test
    void aPrivilegedNamespaceWithAnUnexceptedWorkloadFails() {
        breaks(
                set -> set.find(Namespace.class, null, "prometheus-ai")
                        .orElseThrow()
                        .getMetadata()
                        .getLabels()
                        .put("pod-security.kubernetes.io/enforce", "privileged"),
                "Namespace/prometheus-ai: enforces only \"privileged\", yet runs Deployment/tool-registry-service");
    }

    @Test
    void theSandboxInARestrictedNamespaceFails() {
        breaks(
                set -> set.find(Namespace.class, null, "prometheus-ai-sandbox")
                        .orElseThrow()
                        .getMetadata()
                        .getLabels()
                        .put("pod-security.kubernetes.io/enforce", "restricted"),
                "Deployment/sandbox-service: has a security exception that Pod Security \"restricted\"");
    }

    @Test
    void aNamespaceWithoutAnEnforcedLevelFails() {
        breaks(
                set -> set.find(Namespace.class, null, "prometheus-ai")
                        .orElseThrow()
                        .getMetadata()
                        .getLabels()
                        .remove("pod-security.kubernetes.io/enforce"),
                "Namespace/prometheus-ai: enforces no Pod Security level");
    }

    @Test
    void aHostPathVolumeInARestrictedNamespaceFails() {
        breaks(
                set -> pod(set, "guardian-service")
                        .getVolumes()
                        .add(new VolumeBuilder()
                                .withName("host")
                                .withNewHostPath()
                                .withPath("/var/run")
                                .endHostPath()
                                .build()),
                "volume host: is of another type");
    }

    @Test
    void aDeploymentThatDoesNotSpreadOverNodesFails() {
        breaks(
                set -> pod(set, "memory-guild-service")
                        .getTopologySpreadConstraints()
                        .removeIf(c -> c.getTopologyKey().equals("kubernetes.io/hostname")),
                "Deployment/memory-guild-service: needs a topologySpreadConstraint over kubernetes.io/hostname");
    }

    @Test
    void aServiceAccountTokenMountFails() {
        breaks(
                set -> pod(set, "guardian-service").setAutomountServiceAccountToken(true),
                "mounts a service account token");
    }
}
