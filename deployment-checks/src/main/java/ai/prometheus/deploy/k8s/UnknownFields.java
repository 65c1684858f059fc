package ai.prometheus.deploy.k8s;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Fields the Kubernetes API does not have. The fabric8 model keeps every field it does not know
 * in {@code additionalProperties} instead of failing, so a typo ({@code imagePullPolicyy}) or a
 * field at the wrong level would otherwise pass unnoticed, and the API server would reject it or
 * (worse, for some clients) silently drop it. This walks the whole object tree for them.
 */
final class UnknownFields {

    private static final ObjectMapper INTROSPECTION = new ObjectMapper();

    private UnknownFields() {}

    /** Paths such as {@code spec.template.spec.containers[0].imagePullPolicyy}. */
    static List<String> of(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, "", found);
        return found;
    }

    private static void walk(Object node, String path, List<String> found) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                walk(item, path + "[" + index++ + "]", found);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> walk(value, path + "[" + key + "]", found));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        BeanDescription description =
                INTROSPECTION.getSerializationConfig().introspect(INTROSPECTION.constructType(node.getClass()));
        AnnotatedMember anyGetter = description.findAnyGetter();
        if (anyGetter != null && anyGetter.getValue(node) instanceof Map<?, ?> additional) {
            additional.keySet().forEach(key -> found.add(join(path, String.valueOf(key))));
        }
        for (BeanPropertyDefinition property : description.findProperties()) {
            if (property.hasGetter() && !property.getGetter().equals(anyGetter)) {
                walk(property.getGetter().getValue(node), join(path, property.getName()), found);
            }
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
