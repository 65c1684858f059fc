package ai.prometheus.deploy.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A Deployment or StatefulSet: what owns pods, seen the same way by every rule. */
record Workload(
        String kind,
        String namespace,
        String name,
        LabelSelector selector,
        PodTemplateSpec template,
        Integer replicas,
        List<PersistentVolumeClaim> claimTemplates) {

    static List<Workload> in(ManifestSet set) {
        Stream<Workload> deployments = set.all(Deployment.class).stream()
                .map(d -> new Workload(
                        "Deployment",
                        d.getMetadata().getNamespace(),
                        d.getMetadata().getName(),
                        d.getSpec().getSelector(),
                        d.getSpec().getTemplate(),
                        d.getSpec().getReplicas(),
                        List.of()));
        Stream<Workload> statefulSets = set.all(StatefulSet.class).stream()
                .map(s -> new Workload(
                        "StatefulSet",
                        s.getMetadata().getNamespace(),
                        s.getMetadata().getName(),
                        s.getSpec().getSelector(),
                        s.getSpec().getTemplate(),
                        s.getSpec().getReplicas(),
                        s.getSpec().getVolumeClaimTemplates() == null
                                ? List.of()
                                : s.getSpec().getVolumeClaimTemplates()));
        return Stream.concat(deployments, statefulSets).toList();
    }

    String id() {
        return kind + "/" + name;
    }

    Map<String, String> podLabels() {
        return template.getMetadata() == null || template.getMetadata().getLabels() == null
                ? Map.of()
                : template.getMetadata().getLabels();
    }

    Map<String, String> podAnnotations() {
        return template.getMetadata() == null || template.getMetadata().getAnnotations() == null
                ? Map.of()
                : template.getMetadata().getAnnotations();
    }

    List<Container> containers() {
        return template.getSpec().getContainers() == null
                ? List.of()
                : template.getSpec().getContainers();
    }

    List<ContainerPort> ports() {
        return containers().stream()
                .flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
                .toList();
    }
}
