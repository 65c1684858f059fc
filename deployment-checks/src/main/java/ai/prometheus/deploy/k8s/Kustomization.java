package ai.prometheus.deploy.k8s;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The part of kustomize's {@code kustomization.yaml} that our manifests use. It is read strictly:
 * a field outside this subset fails the check, so a kustomize feature the checks do not model can
 * never slip by unchecked (teach {@link ManifestSet} the feature first, then use it).
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Kustomization(
        String apiVersion,
        String kind,
        String namespace,
        List<String> resources,
        GeneratorOptions generatorOptions,
        List<Generator> configMapGenerator,
        List<Generator> secretGenerator,
        List<Image> images) {

    public List<String> resourcesOrEmpty() {
        return resources == null ? List.of() : resources;
    }

    public List<Generator> configMapGeneratorOrEmpty() {
        return configMapGenerator == null ? List.of() : configMapGenerator;
    }

    public List<Generator> secretGeneratorOrEmpty() {
        return secretGenerator == null ? List.of() : secretGenerator;
    }

    public List<Image> imagesOrEmpty() {
        return images == null ? List.of() : images;
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    public record GeneratorOptions(
            Boolean disableNameSuffixHash, Map<String, String> labels, Map<String, String> annotations) {}

    /**
     * An {@code images} entry: containers whose image is {@code name} (with any tag or digest) get
     * {@code newName} and {@code newTag} or {@code digest} instead, as kustomize's image transformer does.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Image(String name, String newName, String newTag, String digest) {}

    /** A configMapGenerator or secretGenerator entry; {@code namespace} places it when the set spans several. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Generator(
            String name, String namespace, String behavior, String type, List<String> literals, List<String> files) {

        public String behaviorOrCreate() {
            return behavior == null ? "create" : behavior;
        }

        public List<String> literalsOrEmpty() {
            return literals == null ? List.of() : literals;
        }

        public List<String> filesOrEmpty() {
            return files == null ? List.of() : files;
        }
    }
}
