package ai.prometheus.deploy.k8s;

import ai.prometheus.deploy.image.ImageReference;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Our own rules for the Kubernetes manifests, beyond what the schema says: every workload is
 * probed, bounded and unprivileged; every reference (Service to pods, policy to pods, autoscaler
 * to workload, pod to ConfigMap, Secret and volume) points at something that exists.
 *
 * <p>One exception is possible: a pod template annotated {@value #SECURITY_EXCEPTION} with the
 * reason may run as root, but only inside a user namespace ({@code hostUsers: false}), with no
 * privilege escalation, all capabilities dropped but {@link #EXCEPTION_CAPABILITIES}, and a
 * read-only root file system. The sandbox needs it to give every run a uid of its own. Such a pod
 * is refused by Pod Security admission at "restricted", so it lives in a namespace of its own:
 * every namespace enforces "restricted" but one that holds nothing but excepted workloads.
 *
 * <p>Size: ~750 lines because it is one rulebook over one rendered manifest set: every check reads
 * the same workloads and cross-references (namespaces, selectors, ConfigMap and Secret keys) and
 * reports into the same violation list, so the rules and their exception read side by side; split
 * it by object kind (workload hardening, references of Services, policies, autoscalers and budgets)
 * if it grows.
 */
public final class KubernetesRules {

    public static final String SECURITY_EXCEPTION = "prometheus.ai/security-exception";
    /** What a documented exception may add: switch uids and own, clean up and stop what runs under them. */
    public static final Set<String> EXCEPTION_CAPABILITIES =
            Set.of("SETUID", "SETGID", "CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL");
    /** Where the Quarkus services answer each probe (SmallRye Health). */
    private static final Map<String, String> HEALTH_PATHS = Map.of(
            "startupProbe",
            "/q/health/started",
            "livenessProbe",
            "/q/health/live",
            "readinessProbe",
            "/q/health/ready");

    private static final String ENFORCE = "pod-security.kubernetes.io/enforce";
    /** The volume types Pod Security "restricted" admits. */
    private static final Set<String> RESTRICTED_VOLUMES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");

    private final ManifestSet set;
    private final List<Workload> workloads;
    private final List<String> violations = new ArrayList<>();

    private KubernetesRules(ManifestSet set) {
        this.set = set;
        this.workloads = Workload.in(set);
    }

    /** Every rule broken by {@code set}; empty when all hold. */
    public static List<String> check(ManifestSet set) {
        KubernetesRules rules = new KubernetesRules(set);
        rules.uniqueNames();
        rules.namespaces();
        rules.podSecurityLevels();
        rules.workloads.forEach(rules::workload);
        rules.set.all(Service.class).forEach(rules::service);
        rules.set.all(NetworkPolicy.class).forEach(rules::networkPolicy);
        rules.set.all(HorizontalPodAutoscaler.class).forEach(rules::autoscaler);
        rules.set.all(PodDisruptionBudget.class).forEach(rules::disruptionBudget);
        return rules.violations;
    }

    private void violation(String subject, String message) {
        violations.add(subject + ": " + message);
    }

    // --- the set as a whole --------------------------------------------------------------------

    private void uniqueNames() {
        Set<String> seen = new HashSet<>();
        for (Manifest manifest : set.manifests()) {
            HasMetadata object = manifest.object();
            String key = object.getKind() + "/" + object.getMetadata().getNamespace() + "/"
                    + object.getMetadata().getName();
            if (!seen.add(key)) {
                violation(
                        manifest.source(),
                        object.getKind() + " " + object.getMetadata().getName() + " is defined twice");
            }
        }
    }

    private void namespaces() {
        Set<String> declared = new HashSet<>();
        set.all(Namespace.class).forEach(n -> declared.add(n.getMetadata().getName()));
        for (Manifest manifest : set.manifests()) {
            HasMetadata object = manifest.object();
            if (object instanceof Namespace) {
                continue;
            }
            String namespace = object.getMetadata().getNamespace();
            String subject = object.getKind() + "/" + object.getMetadata().getName();
            if (namespace == null) {
                violation(subject, "has no namespace (set one in the kustomization)");
            } else if (!declared.contains(namespace)) {
                violation(subject, "is in namespace " + namespace + ", which no Namespace object creates");
            }
        }
    }

    /**
     * Every namespace enforces Pod Security "restricted", except one whose workloads all carry a
     * documented exception (which "restricted" would refuse); a restricted namespace admits only
     * restricted volume types.
     */
    private void podSecurityLevels() {
        for (Namespace namespace : set.all(Namespace.class)) {
            String name = namespace.getMetadata().getName();
            Map<String, String> labels =
                    Optional.ofNullable(namespace.getMetadata().getLabels()).orElse(Map.of());
            String level = labels.get(ENFORCE);
            List<Workload> inside = workloadsIn(name);
            List<String> excepted = inside.stream()
                    .filter(w -> w.podAnnotations().containsKey(SECURITY_EXCEPTION))
                    .map(Workload::id)
                    .toList();
            if (level == null) {
                violation("Namespace/" + name, "enforces no Pod Security level (label " + ENFORCE + ")");
            } else if (!level.equals("restricted")) {
                inside.stream()
                        .filter(w -> !w.podAnnotations().containsKey(SECURITY_EXCEPTION))
                        .forEach(
                                w -> violation(
                                        "Namespace/" + name,
                                        "enforces only \"" + level + "\", yet runs " + w.id()
                                                + ", which has no security exception: move it to a namespace that enforces \"restricted\""));
                if (excepted.isEmpty()) {
                    violation(
                            "Namespace/" + name,
                            "enforces only \"" + level + "\" though no workload in it needs an exception");
                }
            } else {
                excepted.forEach(id -> violation(
                        id,
                        "has a security exception that Pod Security \"restricted\" in namespace " + name
                                + " refuses: give it a namespace of its own"));
                inside.forEach(this::restrictedVolumes);
            }
        }
    }

    private void restrictedVolumes(Workload workload) {
        for (Volume volume :
                Optional.ofNullable(workload.template().getSpec().getVolumes()).orElse(List.of())) {
            String type = volume.getConfigMap() != null
                    ? "configMap"
                    : volume.getCsi() != null
                            ? "csi"
                            : volume.getDownwardAPI() != null
                                    ? "downwardAPI"
                                    : volume.getEmptyDir() != null
                                            ? "emptyDir"
                                            : volume.getEphemeral() != null
                                                    ? "ephemeral"
                                                    : volume.getPersistentVolumeClaim() != null
                                                            ? "persistentVolumeClaim"
                                                            : volume.getProjected() != null
                                                                    ? "projected"
                                                                    : volume.getSecret() != null
                                                                            ? "secret"
                                                                            : "another type";
            if (!RESTRICTED_VOLUMES.contains(type)) {
                violation(
                        workload.id() + " volume " + volume.getName(),
                        "is of " + type + ", which Pod Security \"restricted\" refuses (allowed: "
                                + new java.util.TreeSet<>(RESTRICTED_VOLUMES) + ")");
            }
        }
    }

    // --- workloads -------------------------------------------------------------------------------

    private void workload(Workload workload) {
        String id = workload.id();
        if (Selectors.isEmpty(workload.selector()) || !Selectors.matches(workload.selector(), workload.podLabels())) {
            violation(id, "its selector must be non-empty and match its pod template's labels");
        }
        PodSpec pod = workload.template().getSpec();
        if (Boolean.TRUE.equals(pod.getHostNetwork())
                || Boolean.TRUE.equals(pod.getHostPID())
                || Boolean.TRUE.equals(pod.getHostIPC())) {
            violation(id, "must not share the node's network, pid or ipc namespace");
        }
        if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) {
            violation(id, "mounts a service account token it has no use for (set automountServiceAccountToken: false)");
        }
        volumes(workload);
        String exception = workload.podAnnotations().get(SECURITY_EXCEPTION);
        if (exception != null && exception.isBlank()) {
            violation(id, "annotation " + SECURITY_EXCEPTION + " must give the reason");
        }
        for (Container container : workload.containers()) {
            String subject = id + " container " + container.getName();
            image(subject, container);
            resources(subject, container.getResources());
            probes(subject, workload, container);
            environment(subject, workload, container);
            if (exception == null) {
                unprivileged(subject, workload, container);
            } else {
                documentedException(subject, workload, container);
            }
        }
        if (workload.kind().equals("Deployment")) {
            listensOnPort(workload);
            spreadsOverNodes(workload);
        }
    }

    /** Replicas on one node die together: a Deployment spreads its pods over nodes. */
    private void spreadsOverNodes(Workload workload) {
        List<TopologySpreadConstraint> constraints = Optional.ofNullable(
                        workload.template().getSpec().getTopologySpreadConstraints())
                .orElse(List.of());
        boolean overNodes = constraints.stream()
                .anyMatch(c -> "kubernetes.io/hostname".equals(c.getTopologyKey())
                        && c.getLabelSelector() != null
                        && !Selectors.isEmpty(c.getLabelSelector())
                        && Selectors.matches(c.getLabelSelector(), workload.podLabels()));
        if (!overNodes) {
            violation(
                    workload.id(),
                    "needs a topologySpreadConstraint over kubernetes.io/hostname whose labelSelector"
                            + " matches its pods, so its replicas do not share one node");
        }
    }

    private void image(String subject, Container container) {
        ImageReference image = ImageReference.parse(container.getImage());
        if (image == null) {
            violation(subject, "has no image");
            return;
        }
        if (image.digest() == null && (image.tag() == null || image.tag().equals("latest"))) {
            violation(subject, "image " + image + " must name a version (a tag other than latest, or a digest)");
        }
        if (image.tag() != null
                && image.tag().toUpperCase(java.util.Locale.ROOT).contains("SNAPSHOT")) {
            violation(subject, "image " + image + " is a development build (SNAPSHOT): deploy a release tag");
        }
        if (image.registry() == null) {
            violation(
                    subject,
                    "image " + image + " names no registry, so it is pulled from Docker Hub, whose namespaces"
                            + " we may not own: name the registry (docker.io/... where Docker Hub is meant)");
        }
    }

    private void resources(String subject, ResourceRequirements resources) {
        Map<String, Quantity> requests =
                resources == null || resources.getRequests() == null ? Map.of() : resources.getRequests();
        Map<String, Quantity> limits =
                resources == null || resources.getLimits() == null ? Map.of() : resources.getLimits();
        for (String resource : List.of("cpu", "memory")) {
            Quantity request = requests.get(resource);
            Quantity limit = limits.get(resource);
            if (request == null) {
                violation(subject, "has no " + resource + " request");
            }
            if (limit == null) {
                violation(subject, "has no " + resource + " limit");
            }
            if (request != null
                    && limit != null
                    && request.getNumericalAmount().compareTo(limit.getNumericalAmount()) > 0) {
                violation(subject, "requests more " + resource + " (" + request + ") than its limit (" + limit + ")");
            }
        }
    }

    private void probes(String subject, Workload workload, Container container) {
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("startupProbe", container.getStartupProbe());
        probes.put("livenessProbe", container.getLivenessProbe());
        probes.put("readinessProbe", container.getReadinessProbe());
        probes.forEach((kind, probe) -> {
            if (probe == null) {
                violation(subject, "has no " + kind);
                return;
            }
            if (probe.getHttpGet() != null
                    && !declaresPort(container.getPorts(), probe.getHttpGet().getPort())) {
                violation(
                        subject,
                        kind + " checks port " + probe.getHttpGet().getPort().getValue()
                                + ", which the container does not declare");
            }
            if (probe.getTcpSocket() != null
                    && !declaresPort(container.getPorts(), probe.getTcpSocket().getPort())) {
                violation(
                        subject,
                        kind + " checks port " + probe.getTcpSocket().getPort().getValue()
                                + ", which the container does not declare");
            }
            // Our services are Quarkus applications: each probe has its own health group.
            if (workload.kind().equals("Deployment")) {
                String expected = HEALTH_PATHS.get(kind);
                String path =
                        probe.getHttpGet() == null ? null : probe.getHttpGet().getPath();
                if (!expected.equals(path)) {
                    violation(subject, kind + " must be an HTTP GET of " + expected + " (found " + path + ")");
                }
            }
        });
    }

    private void environment(String subject, Workload workload, Container container) {
        String namespace = workload.namespace();
        if (container.getEnvFrom() != null) {
            for (EnvFromSource source : container.getEnvFrom()) {
                if (source.getConfigMapRef() != null
                        && !Boolean.TRUE.equals(source.getConfigMapRef().getOptional())
                        && set.find(
                                        ConfigMap.class,
                                        namespace,
                                        source.getConfigMapRef().getName())
                                .isEmpty()) {
                    violation(
                            subject,
                            "takes its environment from ConfigMap "
                                    + source.getConfigMapRef().getName() + ", which does not exist");
                }
                if (source.getSecretRef() != null
                        && !Boolean.TRUE.equals(source.getSecretRef().getOptional())
                        && set.find(
                                        Secret.class,
                                        namespace,
                                        source.getSecretRef().getName())
                                .isEmpty()) {
                    violation(
                            subject,
                            "takes its environment from Secret "
                                    + source.getSecretRef().getName() + ", which does not exist");
                }
            }
        }
        if (container.getEnv() == null) {
            return;
        }
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValueFrom() == null) {
                continue;
            }
            var configMapKey = variable.getValueFrom().getConfigMapKeyRef();
            if (configMapKey != null && !Boolean.TRUE.equals(configMapKey.getOptional())) {
                Optional<ConfigMap> configMap = set.find(ConfigMap.class, namespace, configMapKey.getName());
                if (configMap.isEmpty() || !keys(configMap.get()).contains(configMapKey.getKey())) {
                    violation(
                            subject,
                            variable.getName() + " refers to " + configMapKey.getName() + "/" + configMapKey.getKey()
                                    + ", which does not exist");
                }
            }
            var secretKey = variable.getValueFrom().getSecretKeyRef();
            if (secretKey != null && !Boolean.TRUE.equals(secretKey.getOptional())) {
                Optional<Secret> secret = set.find(Secret.class, namespace, secretKey.getName());
                if (secret.isEmpty() || !keys(secret.get()).contains(secretKey.getKey())) {
                    violation(
                            subject,
                            variable.getName() + " refers to Secret " + secretKey.getName() + "/" + secretKey.getKey()
                                    + ", which does not exist");
                }
            }
        }
    }

    private void volumes(Workload workload) {
        PodSpec pod = workload.template().getSpec();
        List<Volume> volumes = pod.getVolumes() == null ? List.of() : pod.getVolumes();
        Set<String> names = new HashSet<>();
        volumes.forEach(v -> names.add(v.getName()));
        workload.claimTemplates().forEach(c -> names.add(c.getMetadata().getName()));
        String namespace = workload.namespace();
        for (Volume volume : volumes) {
            String subject = workload.id() + " volume " + volume.getName();
            if (volume.getConfigMap() != null
                    && !Boolean.TRUE.equals(volume.getConfigMap().getOptional())
                    && set.find(
                                    ConfigMap.class,
                                    namespace,
                                    volume.getConfigMap().getName())
                            .isEmpty()) {
                violation(subject, "mounts ConfigMap " + volume.getConfigMap().getName() + ", which does not exist");
            }
            if (volume.getSecret() != null
                    && !Boolean.TRUE.equals(volume.getSecret().getOptional())
                    && set.find(Secret.class, namespace, volume.getSecret().getSecretName())
                            .isEmpty()) {
                violation(subject, "mounts Secret " + volume.getSecret().getSecretName() + ", which does not exist");
            }
            if (volume.getPersistentVolumeClaim() != null
                    && set.find(
                                    PersistentVolumeClaim.class,
                                    namespace,
                                    volume.getPersistentVolumeClaim().getClaimName())
                            .isEmpty()) {
                violation(
                        subject,
                        "claims " + volume.getPersistentVolumeClaim().getClaimName() + ", which does not exist");
            }
        }
        for (Container container : workload.containers()) {
            if (container.getVolumeMounts() == null) {
                continue;
            }
            container.getVolumeMounts().stream()
                    .filter(mount -> !names.contains(mount.getName()))
                    .forEach(mount -> violation(
                            workload.id() + " container " + container.getName(),
                            "mounts volume " + mount.getName() + ", which the pod does not define"));
        }
    }

    /** No root, no escalation, no capabilities, the runtime's seccomp profile, a read-only image. */
    private void unprivileged(String subject, Workload workload, Container container) {
        PodSpec pod = workload.template().getSpec();
        PodSecurityContext podContext =
                pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
        SecurityContext context = container.getSecurityContext();
        if (context == null) {
            violation(subject, "has no securityContext");
            return;
        }
        if (!Boolean.TRUE.equals(first(context.getRunAsNonRoot(), podContext.getRunAsNonRoot()))) {
            violation(subject, "must run as non-root (runAsNonRoot: true on the pod or the container)");
        }
        Long user = first(context.getRunAsUser(), podContext.getRunAsUser());
        if (user != null && user == 0) {
            violation(subject, "runs as uid 0");
        }
        commonHardening(subject, context);
        if (context.getCapabilities() != null
                && context.getCapabilities().getAdd() != null
                && !context.getCapabilities().getAdd().isEmpty()) {
            violation(
                    subject,
                    "adds capabilities " + context.getCapabilities().getAdd() + " without a documented exception ("
                            + SECURITY_EXCEPTION + ")");
        }
        String seccomp = Optional.ofNullable(first(context.getSeccompProfile(), podContext.getSeccompProfile()))
                .map(profile -> profile.getType())
                .orElse(null);
        if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
            violation(subject, "must use the RuntimeDefault (or a Localhost) seccomp profile, not " + seccomp);
        }
        String appArmor = Optional.ofNullable(first(context.getAppArmorProfile(), podContext.getAppArmorProfile()))
                .map(profile -> profile.getType())
                .orElse(null);
        if ("Unconfined".equals(appArmor)) {
            violation(subject, "must not run without AppArmor");
        }
        if (context.getProcMount() != null && !"Default".equals(context.getProcMount())) {
            violation(subject, "must keep the default /proc masks");
        }
        // Images we build run read-only; third-party ones (the demo's engines) may need to write.
        if (workload.kind().equals("Deployment") && !Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
            violation(subject, "must have a read-only root file system (mount an emptyDir where it writes)");
        }
    }

    /** Root, but only inside a user namespace, with the few capabilities the reason names. */
    private void documentedException(String subject, Workload workload, Container container) {
        SecurityContext context = container.getSecurityContext();
        if (context == null) {
            violation(subject, "has no securityContext");
            return;
        }
        if (!Boolean.FALSE.equals(workload.template().getSpec().getHostUsers())) {
            violation(
                    subject,
                    "runs under a security exception, so its pod needs its own user namespace (hostUsers: false)");
        }
        commonHardening(subject, context);
        List<String> added =
                context.getCapabilities() == null || context.getCapabilities().getAdd() == null
                        ? List.of()
                        : context.getCapabilities().getAdd();
        added.stream()
                .filter(capability -> !EXCEPTION_CAPABILITIES.contains(capability))
                .forEach(capability -> violation(
                        subject,
                        "adds " + capability + ", beyond what any exception may add " + EXCEPTION_CAPABILITIES));
        if (!Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
            violation(subject, "must have a read-only root file system");
        }
    }

    private void commonHardening(String subject, SecurityContext context) {
        if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
            violation(subject, "must set allowPrivilegeEscalation: false");
        }
        if (Boolean.TRUE.equals(context.getPrivileged())) {
            violation(subject, "must not be privileged");
        }
        if (context.getCapabilities() == null
                || context.getCapabilities().getDrop() == null
                || !context.getCapabilities().getDrop().contains("ALL")) {
            violation(subject, "must drop ALL capabilities");
        }
    }

    /** A Quarkus service listens on PORT: the container must declare it, or probes and Services miss it. */
    private void listensOnPort(Workload workload) {
        for (Container container : workload.containers()) {
            Map<String, String> environment = environmentOf(workload.namespace(), container);
            String port = environment.get("PORT");
            String subject = workload.id() + " container " + container.getName();
            if (port == null) {
                violation(subject, "does not set PORT, the port the service listens on");
            } else if (container.getPorts() == null
                    || container.getPorts().stream()
                            .noneMatch(p -> port.equals(String.valueOf(p.getContainerPort())))) {
                violation(subject, "listens on PORT " + port + " but declares no such containerPort");
            }
        }
    }

    /** The literal environment a container gets: envFrom ConfigMaps in order, then env values. */
    private Map<String, String> environmentOf(String namespace, Container container) {
        Map<String, String> environment = new HashMap<>();
        if (container.getEnvFrom() != null) {
            for (EnvFromSource source : container.getEnvFrom()) {
                if (source.getConfigMapRef() != null) {
                    set.find(
                                    ConfigMap.class,
                                    namespace,
                                    source.getConfigMapRef().getName())
                            .map(ConfigMap::getData)
                            .ifPresent(environment::putAll);
                }
            }
        }
        if (container.getEnv() != null) {
            container.getEnv().stream()
                    .filter(v -> v.getValue() != null)
                    .forEach(v -> environment.put(v.getName(), v.getValue()));
        }
        return environment;
    }

    // --- what points at workloads -------------------------------------------------------------

    private void service(Service service) {
        String subject = "Service/" + service.getMetadata().getName();
        Map<String, String> selector = service.getSpec().getSelector();
        List<Workload> selected = workloadsIn(service.getMetadata().getNamespace()).stream()
                .filter(w -> Selectors.matches(selector, w.podLabels()))
                .toList();
        if (selected.isEmpty()) {
            violation(subject, "selects no Deployment's or StatefulSet's pods (selector " + selector + ")");
            return;
        }
        for (ServicePort port : service.getSpec().getPorts()) {
            IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
            for (Workload workload : selected) {
                if (!declaresPort(workload.ports(), target)) {
                    violation(
                            subject,
                            "port " + port.getPort() + " targets " + target.getValue() + ", which " + workload.id()
                                    + " does not declare");
                }
            }
        }
    }

    private void networkPolicy(NetworkPolicy policy) {
        String subject = "NetworkPolicy/" + policy.getMetadata().getName();
        String namespace = policy.getMetadata().getNamespace();
        var spec = policy.getSpec();
        if (spec.getPolicyTypes() == null || spec.getPolicyTypes().isEmpty()) {
            violation(subject, "must say which directions it governs (policyTypes)");
        }
        if (!Selectors.isEmpty(spec.getPodSelector()) && selectsNothing(namespace, spec.getPodSelector())) {
            violation(subject, "its podSelector matches no pods");
        }
        List<NetworkPolicyPeer> peers = new ArrayList<>();
        Optional.ofNullable(spec.getIngress())
                .ifPresent(rules ->
                        rules.forEach(r -> Optional.ofNullable(r.getFrom()).ifPresent(peers::addAll)));
        Optional.ofNullable(spec.getEgress())
                .ifPresent(rules ->
                        rules.forEach(r -> Optional.ofNullable(r.getTo()).ifPresent(peers::addAll)));
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getPodSelector() == null) {
                continue;
            }
            // A peer without a namespaceSelector is in this namespace; one whose selector picks
            // namespaces of this set is checked there; any other may be anywhere in the cluster.
            List<String> peerNamespaces = peer.getNamespaceSelector() == null
                    ? List.of(namespace)
                    : set.all(Namespace.class).stream()
                            .map(n -> n.getMetadata().getName())
                            .filter(n -> Selectors.matches(peer.getNamespaceSelector(), namespaceLabels(n)))
                            .toList();
            if (!peerNamespaces.isEmpty()
                    && peerNamespaces.stream().allMatch(n -> selectsNothing(n, peer.getPodSelector()))) {
                violation(subject, "a rule names pods " + describe(peer.getPodSelector()) + " that no workload runs");
            }
        }
    }

    private void autoscaler(HorizontalPodAutoscaler autoscaler) {
        String subject = "HorizontalPodAutoscaler/" + autoscaler.getMetadata().getName();
        var spec = autoscaler.getSpec();
        var target = spec.getScaleTargetRef();
        Optional<Workload> workload = workloadsIn(autoscaler.getMetadata().getNamespace()).stream()
                .filter(w -> w.kind().equals(target.getKind()) && w.name().equals(target.getName()))
                .findFirst();
        if (workload.isEmpty()) {
            violation(subject, "scales " + target.getKind() + "/" + target.getName() + ", which does not exist");
            return;
        }
        if (workload.get().replicas() != null) {
            violation(
                    subject,
                    workload.get().id() + " sets replicas, which the autoscaler owns: every apply would reset it");
        }
        int min = spec.getMinReplicas() == null ? 1 : spec.getMinReplicas();
        if (min < 1 || spec.getMaxReplicas() == null || spec.getMaxReplicas() < min) {
            violation(subject, "needs 1 <= minReplicas <= maxReplicas");
        }
        for (MetricSpec metric : spec.getMetrics() == null ? List.<MetricSpec>of() : spec.getMetrics()) {
            if (metric.getResource() == null
                    || !"Utilization".equals(metric.getResource().getTarget().getType())) {
                continue;
            }
            String resource = metric.getResource().getName();
            for (Container container : workload.get().containers()) {
                if (container.getResources() == null
                        || container.getResources().getRequests() == null
                        || !container.getResources().getRequests().containsKey(resource)) {
                    violation(
                            subject,
                            "scales on " + resource + " utilization, but container " + container.getName()
                                    + " requests no " + resource);
                }
            }
        }
    }

    private void disruptionBudget(PodDisruptionBudget budget) {
        if (Selectors.isEmpty(budget.getSpec().getSelector())
                || selectsNothing(
                        budget.getMetadata().getNamespace(), budget.getSpec().getSelector())) {
            violation("PodDisruptionBudget/" + budget.getMetadata().getName(), "its selector matches no pods");
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    /** A namespace's labels as selectors see them: its own plus the name label Kubernetes sets on every namespace. */
    private Map<String, String> namespaceLabels(String name) {
        Map<String, String> labels = new HashMap<>();
        set.find(Namespace.class, null, name)
                .map(n -> n.getMetadata().getLabels())
                .ifPresent(labels::putAll);
        labels.put("kubernetes.io/metadata.name", name);
        return labels;
    }

    private List<Workload> workloadsIn(String namespace) {
        return workloads.stream()
                .filter(w -> Objects.equals(namespace, w.namespace()))
                .toList();
    }

    private boolean selectsNothing(String namespace, io.fabric8.kubernetes.api.model.LabelSelector selector) {
        return workloadsIn(namespace).stream().noneMatch(w -> Selectors.matches(selector, w.podLabels()));
    }

    private static boolean declaresPort(List<ContainerPort> ports, IntOrString port) {
        if (ports == null || port == null) {
            return false;
        }
        Function<ContainerPort, Boolean> matches = port.getIntVal() != null
                ? p -> port.getIntVal().equals(p.getContainerPort())
                : p -> port.getStrVal().equals(p.getName());
        return ports.stream().anyMatch(matches::apply);
    }

    private static Set<String> keys(ConfigMap configMap) {
        Set<String> keys = new HashSet<>();
        Optional.ofNullable(configMap.getData()).ifPresent(d -> keys.addAll(d.keySet()));
        Optional.ofNullable(configMap.getBinaryData()).ifPresent(d -> keys.addAll(d.keySet()));
        return keys;
    }

    private static Set<String> keys(Secret secret) {
        Set<String> keys = new HashSet<>();
        Optional.ofNullable(secret.getData()).ifPresent(d -> keys.addAll(d.keySet()));
        Optional.ofNullable(secret.getStringData()).ifPresent(d -> keys.addAll(d.keySet()));
        return keys;
    }

    private static String describe(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        return Stream.of(selector.getMatchLabels(), selector.getMatchExpressions())
                .filter(Objects::nonNull)
                .map(Object::toString)
                .reduce((a, b) -> a + " " + b)
                .orElse("{}");
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
