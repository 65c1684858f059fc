package ai.prometheus.registry.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's documented rules for strict-mode function parameters (Structured Outputs), checked
 * independently of {@link StrictSchema}: the root is an object schema, not an anyOf; every object
 * sets additionalProperties to false and requires all its properties; only the supported keywords
 * appear; nesting, property and enum counts stay within the documented limits; references are local.
 */
public final class OpenAiStrictRules {

    private static final Set<String> SUPPORTED = Set.of(
            "type",
            "description",
            "title",
            "properties",
            "required",
            "additionalProperties",
            "items",
            "enum",
            "const",
            "anyOf",
            "$ref",
            "$defs",
            "pattern",
            "format",
            "multipleOf",
            "maximum",
            "exclusiveMaximum",
            "minimum",
            "exclusiveMinimum",
            "minItems",
            "maxItems");
    private static final Set<String> FORMATS =
            Set.of("date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid");

    private final List<String> violations = new ArrayList<>();
    private int properties;
    private int enumValues;

    public static List<String> check(JsonNode parameters) {
        OpenAiStrictRules rules = new OpenAiStrictRules();
        if (!parameters.isObject() || !"object".equals(parameters.path("type").asText()) || parameters.has("anyOf")) {
            rules.violations.add("$: the root must be an object schema and not an anyOf");
        }
        rules.walk(parameters, "$", 1);
        if (rules.properties > 5000) {
            rules.violations.add("more than 5000 properties");
        }
        if (rules.enumValues > 1000) {
            rules.violations.add("more than 1000 enum values");
        }
        return rules.violations;
    }

    private void walk(JsonNode node, String path, int depth) {
        if (!node.isObject()) {
            violations.add(path + ": not a schema object");
            return;
        }
        if (depth > 10) {
            violations.add(path + ": deeper than 10 levels");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String keyword = names.next();
            if (!SUPPORTED.contains(keyword)) {
                violations.add(path + ": unsupported keyword " + keyword);
            }
        }
        if (node.has("format") && !FORMATS.contains(node.get("format").asText())) {
            violations.add(path + ": unsupported format " + node.get("format").asText());
        }
        if (node.has("$ref") && !node.get("$ref").asText().startsWith("#")) {
            violations.add(path + ": non-local $ref");
        }
        if (!node.has("type") && !node.has("anyOf") && !node.has("$ref") && !node.has("enum") && !node.has("const")) {
            violations.add(path + ": no type");
        }
        if (node.has("enum")) {
            enumValues += node.get("enum").size();
        }
        boolean object = node.path("type").isArray()
                ? contains(node.get("type"), "object")
                : "object".equals(node.path("type").asText());
        if (object) {
            if (!node.path("additionalProperties").isBoolean()
                    || node.get("additionalProperties").asBoolean()) {
                violations.add(path + ": additionalProperties must be false");
            }
            Set<String> declared = new HashSet<>();
            node.path("properties").fieldNames().forEachRemaining(declared::add);
            Set<String> required = new HashSet<>();
            node.path("required").forEach(r -> required.add(r.asText()));
            if (!declared.equals(required)) {
                violations.add(path + ": required " + required + " must list every property " + declared);
            }
            properties += declared.size();
            node.path("properties")
                    .fields()
                    .forEachRemaining(p -> walk(p.getValue(), path + ".properties." + p.getKey(), depth + 1));
        }
        if (node.has("items")) {
            walk(node.get("items"), path + ".items", depth + 1);
        }
        int i = 0;
        for (JsonNode branch : node.path("anyOf")) {
            walk(branch, path + ".anyOf[" + i++ + "]", depth + 1);
        }
        node.path("$defs").fields().forEachRemaining(d -> walk(d.getValue(), path + ".$defs." + d.getKey(), depth + 1));
    }

    private static boolean contains(JsonNode array, String text) {
        for (JsonNode item : array) {
            if (item.asText().equals(text)) {
                return true;
            }
        }
        return false;
    }
}
