package ai.prometheus.registry.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tool's parameter schema rewritten for OpenAI's strict mode (Structured Outputs), following the
 * rules OpenAI documents: the root is an object; every object lists all its properties in
 * {@code required} and sets {@code additionalProperties: false}; a property the tool does not
 * require becomes nullable instead ({@code "type": ["string", "null"]}); only the supported
 * keywords remain; at most {@value #MAX_DEPTH} levels of nesting, {@value #MAX_PROPERTIES}
 * properties and {@value #MAX_ENUM_VALUES} enum values.
 *
 * <p>Keywords that only narrow what is valid and that strict mode does not know ({@code minLength},
 * {@code default}, an unsupported {@code format}, ...) are dropped: the registry still validates
 * every call against the tool's full schema, so dropping them loses no check. Keywords that change
 * the shape in a way strict mode cannot express ({@code allOf}, {@code not}, conditionals, free-form
 * maps, external references, a property of any type) make the tool unexportable in strict mode,
 * with the reason and the JSON path where it was found.
 *
 * <p>Size: ~330 lines because it is one recursive walk applying strict mode's rules, with the
 * limits counted across the whole tree (depth, properties, enum values); splitting the rules from
 * the walk would scatter the one list of what strict mode accepts.
 */
public final class StrictSchema {

    static final int MAX_DEPTH = 10;
    static final int MAX_PROPERTIES = 5000;
    static final int MAX_ENUM_VALUES = 1000;

    /** Keywords strict mode accepts, per node; everything else is dropped or refused. */
    private static final Set<String> KEPT = Set.of(
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
    /** Keywords whose meaning strict mode cannot express: the tool is refused. */
    private static final Set<String> REFUSED = Set.of(
            "allOf",
            "not",
            "if",
            "then",
            "else",
            "dependentRequired",
            "dependentSchemas",
            "dependencies",
            "patternProperties",
            "unevaluatedProperties",
            "propertyNames",
            "prefixItems",
            "additionalItems");

    private static final Set<String> FORMATS =
            Set.of("date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid");
    private static final Set<String> TYPES =
            Set.of("string", "number", "integer", "boolean", "object", "array", "null");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The converted schema, or why the tool cannot be exported in strict mode. */
    public sealed interface Result {}

    public record Converted(ObjectNode schema) implements Result {}

    public record Refused(String reason) implements Result {}

    /** Signals a refusal from deep inside the walk; carries the reason as the message. */
    private static final class Unexpressible extends RuntimeException {
        Unexpressible(String path, String reason) {
            super(path + ": " + reason, null, false, false);
        }
    }

    private int propertyCount;
    private int enumValues;

    private StrictSchema() {}

    /** Converts {@code parameters} (a tool's function signature; null means no arguments). */
    public static Result convert(JsonNode parameters) {
        if (parameters == null || parameters.isNull() || parameters.isMissingNode()) {
            ObjectNode empty = JSON.objectNode().put("type", "object");
            empty.putObject("properties");
            empty.putArray("required");
            empty.put("additionalProperties", false);
            return new Converted(empty);
        }
        try {
            if (!parameters.isObject()
                    || !"object".equals(parameters.path("type").asText(null))) {
                throw new Unexpressible("$", "the root of the parameters must be an object schema");
            }
            return new Converted(new StrictSchema().node(parameters, "$", 1, true));
        } catch (Unexpressible e) {
            return new Refused(e.getMessage());
        }
    }

    private ObjectNode node(JsonNode schema, String path, int depth, boolean required) {
        if (depth > MAX_DEPTH) {
            throw new Unexpressible(path, "nests deeper than the " + MAX_DEPTH + " levels strict mode allows");
        }
        if (!schema.isObject()) {
            throw new Unexpressible(path, "a boolean schema cannot be expressed in strict mode");
        }
        ObjectNode out = JSON.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = schema.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String keyword = field.getKey();
            if (REFUSED.contains(keyword)) {
                throw new Unexpressible(path, "uses " + keyword + ", which strict mode does not support");
            }
            if (KEPT.contains(keyword)) {
                out.set(keyword, field.getValue().deepCopy());
            }
        }
        // oneOf is a stricter anyOf; the registry still checks exclusivity when the call arrives.
        if (schema.has("oneOf") && !schema.has("anyOf")) {
            out.set("anyOf", schema.get("oneOf").deepCopy());
        }
        if (schema.has("definitions") && !schema.has("$defs")) {
            out.set("$defs", schema.get("definitions").deepCopy());
        }
        if (out.has("format") && !FORMATS.contains(out.get("format").asText())) {
            out.remove("format");
        }
        if (out.has("$ref")) {
            String ref = out.get("$ref").asText();
            if (!ref.startsWith("#")) {
                throw new Unexpressible(
                        path, "refers to " + ref + " outside the schema, which strict mode cannot follow");
            }
            out.put("$ref", ref.replace("#/definitions/", "#/$defs/"));
        }
        if (!out.has("type") && !out.has("anyOf") && !out.has("$ref") && !out.has("enum") && !out.has("const")) {
            throw new Unexpressible(path, "accepts a value of any type, which strict mode cannot express");
        }
        types(out, path);
        if (out.has("enum")) {
            enumValues += out.get("enum").size();
            if (enumValues > MAX_ENUM_VALUES) {
                throw new Unexpressible(
                        path, "brings the enum values above the " + MAX_ENUM_VALUES + " strict mode allows");
            }
        }
        if (out.has("anyOf")) {
            ArrayNode branches = JSON.arrayNode();
            int i = 0;
            for (JsonNode branch : out.get("anyOf")) {
                branches.add(node(branch, path + ".anyOf[" + i++ + "]", depth + 1, true));
            }
            out.set("anyOf", branches);
        }
        if (out.has("$defs")) {
            ObjectNode definitions = JSON.objectNode();
            out.get("$defs")
                    .fields()
                    .forEachRemaining(d -> definitions.set(
                            d.getKey(), node(d.getValue(), path + ".$defs." + d.getKey(), depth + 1, true)));
            out.set("$defs", definitions);
        }
        if (out.has("items")) {
            out.set("items", node(out.get("items"), path + ".items", depth + 1, true));
        }
        if (isObject(out)) {
            object(schema, out, path, depth);
        } else {
            // Object keywords on a non-object mean nothing; strict mode refuses them.
            out.remove(List.of("properties", "required", "additionalProperties"));
        }
        return required ? out : nullable(out);
    }

    private static void types(ObjectNode out, String path) {
        JsonNode type = out.get("type");
        if (type == null) {
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        if (type.isArray()) {
            type.forEach(t -> names.add(t.asText()));
        } else {
            names.add(type.asText());
        }
        for (String name : names) {
            if (!TYPES.contains(name)) {
                throw new Unexpressible(path, "has type " + name + ", which JSON Schema does not define");
            }
        }
    }

    private static boolean isObject(ObjectNode node) {
        JsonNode type = node.get("type");
        if (type == null) {
            return false;
        }
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (t.asText().equals("object")) {
                    return true;
                }
            }
            return false;
        }
        return type.asText().equals("object");
    }

    private void object(JsonNode original, ObjectNode out, String path, int depth) {
        JsonNode additional = original.get("additionalProperties");
        JsonNode declared = original.path("properties");
        if (additional != null
                && !(additional.isBoolean() && !additional.asBoolean())
                && (declared.isMissingNode() || declared.isEmpty())) {
            throw new Unexpressible(
                    path, "is a free-form map (additionalProperties), which strict mode cannot express");
        }
        Set<String> requiredByTool = new LinkedHashSet<>();
        original.path("required").forEach(r -> requiredByTool.add(r.asText()));
        ObjectNode properties = JSON.objectNode();
        ArrayNode required = JSON.arrayNode();
        if (declared.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = declared.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                if (++propertyCount > MAX_PROPERTIES) {
                    throw new Unexpressible(
                            path, "brings the properties above the " + MAX_PROPERTIES + " strict mode allows");
                }
                String name = property.getKey();
                properties.set(
                        name,
                        node(
                                property.getValue(),
                                path + ".properties." + name,
                                depth + 1,
                                requiredByTool.contains(name)));
                required.add(name);
            }
        }
        out.set("properties", properties);
        out.set("required", required);
        out.put("additionalProperties", false);
    }

    /** An optional property in strict mode: required, but null stands for "not given". */
    private static ObjectNode nullable(ObjectNode node) {
        JsonNode type = node.get("type");
        if (type != null) {
            ArrayNode types = JSON.arrayNode();
            if (type.isArray()) {
                type.forEach(types::add);
            } else {
                types.add(type.asText());
            }
            if (!containsText(types, "null")) {
                types.add("null");
            }
            node.set("type", types);
            if (node.has("enum") && !containsNull(node.get("enum"))) {
                ((ArrayNode) node.get("enum")).addNull();
            }
            return node;
        }
        if (node.has("anyOf") && node.size() == 1) {
            if (!containsNullBranch((ArrayNode) node.get("anyOf"))) {
                ((ArrayNode) node.get("anyOf")).add(JSON.objectNode().put("type", "null"));
            }
            return node;
        }
        // A reference, a constant or an untyped enum: one branch of its own beside null.
        ObjectNode wrapped = JSON.objectNode();
        for (String annotation : new String[] {"description", "title"}) {
            if (node.has(annotation)) {
                wrapped.set(annotation, node.remove(annotation));
            }
        }
        wrapped.putArray("anyOf").add(node).add(JSON.objectNode().put("type", "null"));
        return wrapped;
    }

    private static boolean containsNullBranch(ArrayNode anyOf) {
        for (JsonNode branch : anyOf) {
            if ("null".equals(branch.path("type").asText(null))) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsText(ArrayNode array, String text) {
        for (JsonNode item : array) {
            if (item.asText().equals(text)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsNull(JsonNode array) {
        for (JsonNode item : array) {
            if (item.isNull()) {
                return true;
            }
        }
        return false;
    }
}
