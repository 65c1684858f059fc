package ai.prometheus.deploy.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** One Kubernetes object and where it came from (file and document, or generator). */
public record Manifest(String source, HasMetadata object) {}
