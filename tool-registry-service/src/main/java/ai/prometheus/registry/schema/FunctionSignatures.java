package ai.prometheus.registry.schema;

import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Function signatures are JSON Schema 2020-12, checked twice with the networknt validator: the
 * schema itself when a tool is registered (against the 2020-12 meta-schema, plus what tool
 * callers need: an object at the top, and only local {@code $ref}s, so validation never fetches
 * anything), and every invocation's arguments against it.
 *
 * <p>The validator recurses, once per level of the schema and of the value. So that no input
 * reaches its stack's end (a 500 for every invocation), signatures and arguments nest at most
 * {@value #MAX_DEPTH} levels, and reference cycles that never step into the value are refused
 * ({@link ReferenceCycles}). Measured with the default 1 MB thread stack: a self-referencing
 * schema overflowed validating arguments ~1000 levels deep, the meta-schema check a signature of
 * ~400 levels.
 */
@ApplicationScoped
public class FunctionSignatures {

    static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final int MAX_CACHED = 10_000;
    static final int MAX_DEPTH = 100;

    // Remote fetching off: a schema must never make the registry call out (SSRF).
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
    private final Schema metaSchema = registry.getSchema(SchemaLocation.of(META_SCHEMA));
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    /** Everything wrong with {@code signature} as a tool's input schema; empty when it is usable. */
    public List<FieldError> problemsWith(JsonNode signature, String field) {
        List<FieldError> problems = new ArrayList<>();
        if (signature == null || signature.isNull() || signature.isMissingNode()) {
            problems.add(new FieldError(field, "is required: a JSON Schema (2020-12) of the tool's arguments"));
            return problems;
        }
        if (!signature.isObject()) {
            problems.add(new FieldError(field, "must be a JSON Schema object"));
            return problems;
        }
        if (depthOf(signature) > MAX_DEPTH) {
            problems.add(new FieldError(field, "nests deeper than " + MAX_DEPTH + " levels"));
            return problems;
        }
        JsonNode dialect = signature.get("$schema");
        if (dialect != null
                && !(dialect.isTextual()
                        && dialect.asText().replaceAll("#$", "").equals(META_SCHEMA))) {
            problems.add(
                    new FieldError(field + ".$schema", "only JSON Schema 2020-12 (" + META_SCHEMA + ") is supported"));
        }
        for (Error error : metaSchema.validate(signature)) {
            problems.add(new FieldError(path(field, error.getInstanceLocation()), error.getMessage()));
        }
        JsonNode type = signature.get("type");
        if (type == null || !type.isTextual() || !type.asText().equals("object")) {
            problems.add(new FieldError(field + ".type", "must be \"object\": a tool takes named arguments"));
        }
        findRemoteRefs(signature, field, problems);
        if (problems.isEmpty()) {
            ReferenceCycles.find(signature, field).ifPresent(problems::add);
        }
        return problems;
    }

    /** Each way {@code arguments} breaks {@code signature}; empty when they conform. */
    public List<FieldError> violations(JsonNode signature, String fingerprint, JsonNode arguments) {
        if (depthOf(arguments) > MAX_DEPTH) {
            return List.of(new FieldError("arguments", "nest deeper than " + MAX_DEPTH + " levels"));
        }
        Schema schema = compiled.computeIfAbsent(fingerprint, key -> compile(signature));
        if (compiled.size() > MAX_CACHED) {
            compiled.clear();
        }
        List<FieldError> violations = new ArrayList<>();
        for (Error error : schema.validate(arguments)) {
            violations.add(new FieldError(path("arguments", error.getInstanceLocation()), error.getMessage()));
        }
        return violations;
    }

    /**
     * A stored signature as a validator. One registered before cycles were refused cannot be
     * used: the tool is refused (422) until its owner updates it, instead of overflowing the stack.
     */
    private Schema compile(JsonNode signature) {
        ReferenceCycles.find(signature, "functionSignature").ifPresent(cycle -> {
            throw new ProblemException(
                    ProblemType.UNPROCESSABLE,
                    "this tool cannot be invoked until its owner updates" + " it: " + cycle.field() + " "
                            + cycle.reason());
        });
        if (depthOf(signature) > MAX_DEPTH) {
            throw new ProblemException(
                    ProblemType.UNPROCESSABLE,
                    "this tool cannot be invoked until its owner updates" + " it: functionSignature nests deeper than "
                            + MAX_DEPTH + " levels");
        }
        return registry.getSchema(signature);
    }

    /** How many levels of objects and arrays {@code node} nests, counted without recursion. */
    static int depthOf(JsonNode node) {
        int deepest = 0;
        Deque<Map.Entry<JsonNode, Integer>> walk = new ArrayDeque<>();
        walk.push(Map.entry(node, 1));
        while (!walk.isEmpty()) {
            Map.Entry<JsonNode, Integer> next = walk.pop();
            if (next.getKey().isContainerNode()) {
                int depth = next.getValue();
                deepest = Math.max(deepest, depth);
                if (depth > MAX_DEPTH) {
                    return depth;
                }
                next.getKey().elements().forEachRemaining(child -> walk.push(Map.entry(child, depth + 1)));
            }
        }
        return deepest;
    }

    private static void findRemoteRefs(JsonNode node, String path, List<FieldError> problems) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> entry = fields.next();
                String child = path + "." + entry.getKey();
                if ((entry.getKey().equals("$ref") || entry.getKey().equals("$dynamicRef"))
                        && entry.getValue().isTextual()
                        && !entry.getValue().asText().startsWith("#")) {
                    problems.add(new FieldError(child, "only local references (starting with #) are allowed"));
                }
                findRemoteRefs(entry.getValue(), child, problems);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                findRemoteRefs(node.get(i), path + "[" + i + "]", problems);
            }
        }
    }

    /** {@code arguments.city}, {@code arguments.items[2]}: the validator's location in our field syntax. */
    static String path(String root, NodePath location) {
        StringBuilder path = new StringBuilder(root);
        if (location == null) {
            return path.toString();
        }
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Number index) {
                path.append('[').append(index).append(']');
            } else {
                path.append('.').append(element);
            }
        }
        return path.toString();
    }
}
