package ai.prometheus.deploy.k8s;

import ai.prometheus.deploy.image.ImageReference;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Kubernetes objects a kustomization directory renders to, built offline the way kustomize
 * builds them for the features we use (resources, namespace, ConfigMap and Secret generators, images),
 * every document read into the fabric8 Kubernetes model. Whatever does not fit is a problem:
 * unreadable YAML, an unknown kind, a field the Kubernetes API does not have, a value of the wrong
 * type, a manifest file the kustomization forgets, a kustomize feature the checks do not model.
 *
 * <p>Size: ~430 lines because it is one offline kustomize build: reading the kustomization, parsing
 * every file strictly, the generators and the image overrides all feed one object list and one
 * problem list in the order kustomize applies them; move the generators out if more kustomize
 * features are modelled.
 */
public final class ManifestSet {

    /** Generator files that are not in the repository: the operator supplies them (e.g. key pairs). */
    private final List<Path> operatorSupplied = new ArrayList<>();

    private final List<String> problems = new ArrayList<>();
    private final List<Manifest> manifests;
    private final Path repositoryRoot;

    private static final Pattern OCTAL_LOOKING = Pattern.compile("^\\s*(-\\s+)?[\\w.\"'/-]*:?\\s*0[0-9]+\\s*(#.*)?$");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

    private final ObjectMapper yaml = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final ObjectMapper strictYaml = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final ObjectMapper strictModel = strictModelMapper();

    private ManifestSet(Path kustomizationDirectory, Path repositoryRoot) {
        this.repositoryRoot = repositoryRoot.toAbsolutePath().normalize();
        this.manifests = build(kustomizationDirectory.toAbsolutePath().normalize(), new HashSet<>());
    }

    /** Builds {@code kustomizationDirectory}; paths in messages are relative to {@code repositoryRoot}. */
    public static ManifestSet load(Path kustomizationDirectory, Path repositoryRoot) {
        return new ManifestSet(kustomizationDirectory, repositoryRoot);
    }

    public List<Manifest> manifests() {
        return manifests;
    }

    public List<String> problems() {
        return problems;
    }

    public List<Path> operatorSupplied() {
        return operatorSupplied;
    }

    /** The objects of one kind. */
    public <T extends HasMetadata> List<T> all(Class<T> kind) {
        return manifests.stream()
                .map(Manifest::object)
                .filter(kind::isInstance)
                .map(kind::cast)
                .toList();
    }

    public <T extends HasMetadata> Optional<T> find(Class<T> kind, String namespace, String name) {
        return all(kind).stream()
                .filter(o -> name.equals(o.getMetadata().getName()))
                .filter(o -> java.util.Objects.equals(namespace, o.getMetadata().getNamespace()))
                .findFirst();
    }

    // Kubernetes rejects what Jackson would quietly coerce: a number where a string belongs
    // (an env value of 5432), a string where a number or boolean belongs ("8081" as a port).
    private static ObjectMapper strictModelMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        return mapper;
    }

    private List<Manifest> build(Path directory, Set<Path> visiting) {
        Path file = directory.resolve("kustomization.yaml");
        String where = display(file);
        if (!Files.isRegularFile(file)) {
            problems.add(where + ": no kustomization.yaml");
            return List.of();
        }
        if (!visiting.add(directory)) {
            problems.add(where + ": included twice or in a cycle");
            return List.of();
        }
        Kustomization kustomization;
        try {
            kustomization = strictYaml.readValue(file.toFile(), Kustomization.class);
        } catch (IOException e) {
            problems.add(where + ": not a kustomization the checks understand: " + firstLine(e.getMessage()));
            return List.of();
        }
        if (!"kustomize.config.k8s.io/v1beta1".equals(kustomization.apiVersion())
                || !"Kustomization".equals(kustomization.kind())) {
            problems.add(where + ": apiVersion and kind must be kustomize.config.k8s.io/v1beta1 Kustomization");
        }

        List<Manifest> objects = new ArrayList<>();
        Set<Path> listed = new HashSet<>();
        for (String resource : kustomization.resourcesOrEmpty()) {
            Path path = directory.resolve(resource).normalize();
            if (Files.isDirectory(path)) {
                objects.addAll(build(path, visiting));
            } else if (Files.isRegularFile(path)) {
                listed.add(path);
                objects.addAll(parse(path));
            } else {
                problems.add(where + ": lists " + resource + ", which does not exist");
            }
        }
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(Files::isRegularFile)
                    .filter(path ->
                            path.toString().endsWith(".yaml") || path.toString().endsWith(".yml"))
                    .filter(path -> !path.getFileName().toString().equals("kustomization.yaml"))
                    .filter(path -> !listed.contains(path.normalize()))
                    .sorted()
                    .forEach(path -> problems.add(where + ": does not list " + path.getFileName()
                            + " among its resources, so kubectl apply -k would leave it out"));
        } catch (IOException e) {
            problems.add(where + ": cannot list its directory: " + e.getMessage());
        }
        Map<String, String> generatedLabels = kustomization.generatorOptions() == null
                        || kustomization.generatorOptions().labels() == null
                ? Map.of()
                : kustomization.generatorOptions().labels();
        for (Kustomization.Generator generator : kustomization.configMapGeneratorOrEmpty()) {
            generate(directory, where, generator, "ConfigMap", generatedLabels, objects);
        }
        for (Kustomization.Generator generator : kustomization.secretGeneratorOrEmpty()) {
            generate(directory, where, generator, "Secret", generatedLabels, objects);
        }
        if (kustomization.namespace() != null) {
            objects.stream()
                    .filter(m -> !CLUSTER_SCOPED.contains(m.object().getKind()))
                    .forEach(m -> m.object().getMetadata().setNamespace(kustomization.namespace()));
        }
        for (Kustomization.Image image : kustomization.imagesOrEmpty()) {
            setImage(where, image, objects);
        }
        return objects;
    }

    /** Kustomize's image transformer: every container (and init container) naming {@code image.name()}. */
    private void setImage(String where, Kustomization.Image image, List<Manifest> objects) {
        if (image.name() == null || (image.newName() == null && image.newTag() == null && image.digest() == null)) {
            problems.add(where + ": an images entry needs a name and a newName, newTag or digest");
            return;
        }
        boolean used = false;
        for (Manifest manifest : objects) {
            for (PodSpec pod : podSpecs(manifest.object())) {
                List<Container> containers =
                        new ArrayList<>(Optional.ofNullable(pod.getContainers()).orElse(List.of()));
                containers.addAll(Optional.ofNullable(pod.getInitContainers()).orElse(List.of()));
                for (Container container : containers) {
                    ImageReference current = ImageReference.parse(container.getImage());
                    if (current != null && current.name().equals(image.name())) {
                        container.setImage(current.with(image.newName(), image.newTag(), image.digest())
                                .toString());
                        used = true;
                    }
                }
            }
        }
        if (!used) {
            problems.add(where + ": images entry " + image.name() + " matches no container");
        }
    }

    private static List<PodSpec> podSpecs(HasMetadata object) {
        if (object instanceof Deployment deployment
                && deployment.getSpec() != null
                && deployment.getSpec().getTemplate() != null) {
            return List.of(deployment.getSpec().getTemplate().getSpec());
        }
        if (object instanceof StatefulSet statefulSet
                && statefulSet.getSpec() != null
                && statefulSet.getSpec().getTemplate() != null) {
            return List.of(statefulSet.getSpec().getTemplate().getSpec());
        }
        return List.of();
    }

    private List<Manifest> parse(Path file) {
        String where = display(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(where + ": unreadable: " + e.getMessage());
            return List.of();
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (OCTAL_LOOKING.matcher(lines[i]).matches()) {
                problems.add(where + ":" + (i + 1) + ": a number with a leading 0 is octal to Kubernetes (YAML 1.1)"
                        + " but decimal to YAML 1.2 readers; write it in decimal");
            }
        }
        List<Manifest> parsed = new ArrayList<>();
        try (MappingIterator<JsonNode> documents =
                yaml.readerFor(JsonNode.class).readValues(text)) {
            int index = 0;
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                index++;
                if (document == null || document.isNull() || document.isMissingNode()) {
                    continue;
                }
                String source = where + " (document " + index + ")";
                toObject(source, document).ifPresent(object -> parsed.add(new Manifest(source, object)));
            }
        } catch (IOException | RuntimeException e) {
            problems.add(where + ": not valid YAML: " + firstLine(e.getMessage()));
        }
        return parsed;
    }

    private Optional<HasMetadata> toObject(String source, JsonNode document) {
        Object object;
        try {
            object = serialization.unmarshal(document.toString());
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            problems.add(source + ": does not fit the Kubernetes schema: " + firstLine(cause.getMessage()));
            return Optional.empty();
        }
        if (object instanceof GenericKubernetesResource generic) {
            problems.add(source + ": unknown kind " + generic.getApiVersion() + " " + generic.getKind());
            return Optional.empty();
        }
        // fabric8 finds the class for the kind but bends mistyped values to fit (it is made to read
        // templates); reading the document again into that class with plain, strict Jackson does not.
        try {
            strictModel.readValue(document.toString(), object.getClass());
        } catch (IOException e) {
            problems.add(source + ": does not fit the Kubernetes schema: " + firstLine(e.getMessage()));
            return Optional.empty();
        }
        if (!(object instanceof HasMetadata resource)
                || resource.getMetadata() == null
                || resource.getMetadata().getName() == null) {
            problems.add(source + ": not a Kubernetes object with metadata.name");
            return Optional.empty();
        }
        String name = resource.getKind() + "/" + resource.getMetadata().getName();
        UnknownFields.of(resource).forEach(path -> problems.add(source + " " + name + ": unknown field " + path));
        return Optional.of(resource);
    }

    private void generate(
            Path directory,
            String where,
            Kustomization.Generator generator,
            String kind,
            Map<String, String> labels,
            List<Manifest> objects) {
        if (generator.name() == null) {
            problems.add(where + ": a " + kind + " generator without a name");
            return;
        }
        Map<String, String> data = new LinkedHashMap<>();
        for (String literal : generator.literalsOrEmpty()) {
            int equals = literal.indexOf('=');
            if (equals <= 0) {
                problems.add(where + ": literal '" + literal + "' of " + generator.name() + " is not KEY=VALUE");
                continue;
            }
            data.put(literal.substring(0, equals), literal.substring(equals + 1));
        }
        for (String entry : generator.filesOrEmpty()) {
            int equals = entry.indexOf('=');
            String key = equals > 0
                    ? entry.substring(0, equals)
                    : Path.of(entry).getFileName().toString();
            Path source = directory
                    .resolve(equals > 0 ? entry.substring(equals + 1) : entry)
                    .normalize();
            if (!source.startsWith(directory)) {
                problems.add(where + ": " + generator.name() + " reads " + entry
                        + " from outside the kustomization's directory, which kustomize refuses");
                continue;
            }
            if (Files.isRegularFile(source)) {
                try {
                    data.put(key, Files.readString(source, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    problems.add(where + ": cannot read " + entry + ": " + e.getMessage());
                }
            } else {
                operatorSupplied.add(source);
                data.put(key, "");
            }
        }
        String source = where + " (" + kind.toLowerCase() + " generator " + generator.name() + ")";
        List<Manifest> sameName = objects.stream()
                .filter(m -> kind.equals(m.object().getKind())
                        && generator.name().equals(m.object().getMetadata().getName()))
                .filter(m -> generator.namespace() == null
                        || generator.namespace().equals(m.object().getMetadata().getNamespace()))
                .toList();
        if (sameName.size() > 1) {
            problems.add(source + ": " + kind + " " + generator.name()
                    + " exists in several namespaces; name the generator's namespace");
            return;
        }
        Optional<Manifest> existing = sameName.stream().findFirst();
        switch (generator.behaviorOrCreate()) {
            case "create" -> {
                if (existing.isPresent()) {
                    problems.add(source + ": " + kind + " " + generator.name()
                            + " already exists; use behavior merge or replace");
                } else {
                    HasMetadata created = newObject(kind, generator, data);
                    created.getMetadata().setNamespace(generator.namespace());
                    if (!labels.isEmpty()) {
                        created.getMetadata().setLabels(new LinkedHashMap<>(labels));
                    }
                    objects.add(new Manifest(source, created));
                }
            }
            case "merge", "replace" -> {
                if (existing.isEmpty()) {
                    problems.add(source + ": behavior " + generator.behavior() + " needs an existing " + kind + " "
                            + generator.name());
                    return;
                }
                boolean replace = "replace".equals(generator.behavior());
                if (existing.get().object() instanceof ConfigMap configMap) {
                    Map<String, String> merged = replace || configMap.getData() == null
                            ? new LinkedHashMap<>()
                            : new LinkedHashMap<>(configMap.getData());
                    merged.putAll(data);
                    configMap.setData(merged);
                } else if (existing.get().object() instanceof Secret secret) {
                    Map<String, String> merged = new LinkedHashMap<>();
                    if (!replace) {
                        Optional.ofNullable(secret.getData()).ifPresent(merged::putAll);
                        Optional.ofNullable(secret.getStringData()).ifPresent(merged::putAll);
                    }
                    merged.putAll(data);
                    secret.setData(null);
                    secret.setStringData(merged);
                }
            }
            default -> problems.add(source + ": unknown behavior " + generator.behavior());
        }
    }

    private static HasMetadata newObject(String kind, Kustomization.Generator generator, Map<String, String> data) {
        if (kind.equals("ConfigMap")) {
            return new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(generator.name())
                    .endMetadata()
                    .withData(data)
                    .build();
        }
        return new SecretBuilder()
                .withNewMetadata()
                .withName(generator.name())
                .endMetadata()
                .withType(generator.type() == null ? "Opaque" : generator.type())
                .withStringData(data)
                .build();
    }

    /** A path as the repository names it. */
    public String display(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(repositoryRoot)
                ? repositoryRoot.relativize(absolute).toString()
                : absolute.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
