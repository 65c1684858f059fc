package ai.prometheus.registry.schema;

import ai.prometheus.shared.problem.Problem.FieldError;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds reference cycles that a validator would follow forever. A schema may refer to itself
 * through {@code properties} or {@code items} (a tree of arguments): each step goes one level
 * deeper into the arguments, so validation ends. But {@code {"$ref": "#"}} at the top, or two
 * definitions that refer to each other through {@code $ref}, {@code allOf}, {@code not}, ... apply
 * to the same value again and again; the validator recurses until the stack overflows, and every
 * invocation of such a tool failed with a 500. Those cycles are refused at registration, naming
 * where they are.
 *
 * <p>Walks with explicit stacks: a hostile schema must not overflow the check meant to stop it.
 */
final class ReferenceCycles {

    /** Keywords whose value is one subschema applied to the same value (no step into it). */
    private static final Set<String> IN_PLACE = Set.of("not", "if", "then", "else");
    /** Keywords whose value is an array of subschemas applied to the same value. */
    private static final Set<String> IN_PLACE_ARRAYS = Set.of("allOf", "anyOf", "oneOf");
    /** Keywords whose value is a map of subschemas applied to the same value. */
    private static final Set<String> IN_PLACE_MAPS = Set.of("dependentSchemas");
    /** Keywords whose subschemas apply to a part of the value (a property, an item, a name). */
    private static final Set<String> DEEPER = Set.of(
            "items",
            "additionalProperties",
            "unevaluatedItems",
            "unevaluatedProperties",
            "contains",
            "propertyNames",
            "contentSchema",
            "additionalItems");

    private static final Set<String> DEEPER_ARRAYS = Set.of("prefixItems");
    private static final Set<String> DEEPER_MAPS = Set.of("properties", "patternProperties", "$defs", "definitions");

    /** A subschema: where it is (in field syntax), its node, and the resource its local refs resolve in. */
    private record Location(String field, JsonNode node, JsonNode resource) {}

    /** One in-place step from a schema: through which keyword (field syntax) to which subschema. */
    private record Step(String via, JsonNode target) {}

    private ReferenceCycles() {}

    /** The first cycle found in {@code signature} (rooted at {@code field}), if any. */
    static Optional<FieldError> find(JsonNode signature, String field) {
        // By identity: two equal subschemas in different places are different schemas.
        Map<JsonNode, Location> schemas = new IdentityHashMap<>();
        Map<String, List<JsonNode>> anchors = new java.util.HashMap<>();
        collect(new Location(field, signature, signature), schemas, anchors);
        Map<JsonNode, List<Step>> steps = new IdentityHashMap<>();
        // Refs may point at nodes outside the usual keywords; those are schemas too.
        Deque<Location> pending = new ArrayDeque<>(schemas.values());
        while (!pending.isEmpty()) {
            Location location = pending.pop();
            List<Step> out = new ArrayList<>();
            for (Step step : inPlaceSteps(location, anchors)) {
                if (!schemas.containsKey(step.target())) {
                    int before = schemas.size();
                    collect(new Location(step.via(), step.target(), location.resource()), schemas, anchors);
                    if (schemas.size() > before) {
                        pending.addAll(newlyAdded(schemas, step.target()));
                    }
                }
                out.add(step);
            }
            steps.put(location.node(), out);
        }
        return cycle(schemas, steps);
    }

    private static List<Location> newlyAdded(Map<JsonNode, Location> schemas, JsonNode root) {
        List<Location> added = new ArrayList<>();
        Deque<JsonNode> walk = new ArrayDeque<>();
        walk.push(root);
        while (!walk.isEmpty()) {
            JsonNode node = walk.pop();
            Location location = schemas.get(node);
            if (location != null) {
                added.add(location);
            }
            node.elements().forEachRemaining(walk::push);
        }
        return added;
    }

    /** Every subschema under {@code root}, with the anchors they declare. */
    private static void collect(Location root, Map<JsonNode, Location> schemas, Map<String, List<JsonNode>> anchors) {
        Deque<Location> walk = new ArrayDeque<>();
        walk.push(root);
        while (!walk.isEmpty()) {
            Location location = walk.pop();
            JsonNode node = location.node();
            if (!node.isObject() || schemas.containsKey(node)) {
                continue;
            }
            JsonNode resource = node.has("$id") ? node : location.resource();
            schemas.put(node, new Location(location.field(), node, resource));
            for (String anchor : List.of("$anchor", "$dynamicAnchor")) {
                if (node.path(anchor).isTextual()) {
                    anchors.computeIfAbsent(node.get(anchor).asText(), key -> new ArrayList<>())
                            .add(node);
                }
            }
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> entry = fields.next();
                String keyword = entry.getKey();
                JsonNode value = entry.getValue();
                String at = location.field() + "." + keyword;
                if (IN_PLACE.contains(keyword) || DEEPER.contains(keyword)) {
                    walk.push(new Location(at, value, resource));
                } else if (IN_PLACE_ARRAYS.contains(keyword) || DEEPER_ARRAYS.contains(keyword)) {
                    for (int i = 0; i < value.size(); i++) {
                        walk.push(new Location(at + "[" + i + "]", value.get(i), resource));
                    }
                } else if (IN_PLACE_MAPS.contains(keyword) || DEEPER_MAPS.contains(keyword)) {
                    value.fields()
                            .forEachRemaining(
                                    sub -> walk.push(new Location(at + "." + sub.getKey(), sub.getValue(), resource)));
                }
            }
        }
    }

    private static List<Step> inPlaceSteps(Location location, Map<String, List<JsonNode>> anchors) {
        JsonNode node = location.node();
        List<Step> out = new ArrayList<>();
        for (String keyword : List.of("$ref", "$dynamicRef")) {
            JsonNode ref = node.get(keyword);
            if (ref != null && ref.isTextual()) {
                for (JsonNode target : resolve(ref.asText(), location.resource(), anchors)) {
                    out.add(new Step(location.field() + "." + keyword, target));
                }
            }
        }
        node.fields().forEachRemaining(entry -> {
            String keyword = entry.getKey();
            JsonNode value = entry.getValue();
            String at = location.field() + "." + keyword;
            if (IN_PLACE.contains(keyword) && value.isObject()) {
                out.add(new Step(at, value));
            } else if (IN_PLACE_ARRAYS.contains(keyword)) {
                for (int i = 0; i < value.size(); i++) {
                    out.add(new Step(at + "[" + i + "]", value.get(i)));
                }
            } else if (IN_PLACE_MAPS.contains(keyword)) {
                value.fields().forEachRemaining(sub -> out.add(new Step(at + "." + sub.getKey(), sub.getValue())));
            }
        });
        out.removeIf(step -> !step.target().isObject());
        return out;
    }

    /** A local reference's targets: a JSON pointer fragment, or an anchor name. Others lead nowhere here. */
    private static List<JsonNode> resolve(String ref, JsonNode resource, Map<String, List<JsonNode>> anchors) {
        if (!ref.startsWith("#")) {
            return List.of();
        }
        String fragment;
        try {
            fragment = URLDecoder.decode(ref.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return List.of();
        }
        if (fragment.isEmpty()) {
            return List.of(resource);
        }
        if (!fragment.startsWith("/")) {
            return anchors.getOrDefault(fragment, List.of());
        }
        try {
            JsonNode target = resource.at(JsonPointer.compile(fragment));
            return target.isMissingNode() ? List.of() : List.of(target);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /** Depth-first search over in-place steps, iterative; the first back edge is the cycle. */
    private static Optional<FieldError> cycle(Map<JsonNode, Location> schemas, Map<JsonNode, List<Step>> steps) {
        Map<JsonNode, Integer> state = new IdentityHashMap<>(); // absent: unseen, 1: on the path, 2: done
        // Outer schemas first, so the step that closes a cycle is the reference back, not the way in.
        List<JsonNode> starts = schemas.values().stream()
                .sorted(java.util.Comparator.comparingInt(
                        (Location location) -> location.field().length()))
                .map(Location::node)
                .toList();
        for (JsonNode start : starts) {
            if (state.containsKey(start)) {
                continue;
            }
            Deque<JsonNode> path = new ArrayDeque<>();
            Deque<Iterator<Step>> next = new ArrayDeque<>();
            Deque<String> via = new ArrayDeque<>();
            path.push(start);
            next.push(steps.getOrDefault(start, List.of()).iterator());
            state.put(start, 1);
            while (!path.isEmpty()) {
                Iterator<Step> out = next.peek();
                if (!out.hasNext()) {
                    state.put(path.pop(), 2);
                    next.pop();
                    if (!via.isEmpty()) {
                        via.pop();
                    }
                    continue;
                }
                Step step = out.next();
                Integer seen = state.get(step.target());
                if (seen == null) {
                    state.put(step.target(), 1);
                    path.push(step.target());
                    via.push(step.via());
                    next.push(steps.getOrDefault(step.target(), List.of()).iterator());
                } else if (seen == 1) {
                    return Optional.of(describe(schemas, path, via, step));
                }
            }
        }
        return Optional.empty();
    }

    /** The cycle as the keywords it steps through, from where it starts back to there. */
    private static FieldError describe(
            Map<JsonNode, Location> schemas, Deque<JsonNode> path, Deque<String> via, Step closing) {
        List<String> hops = new ArrayList<>();
        Iterator<JsonNode> nodes = path.iterator();
        Iterator<String> edges = via.iterator();
        while (nodes.hasNext() && nodes.next() != closing.target()) {
            hops.add(0, edges.next());
        }
        hops.add(closing.via());
        return new FieldError(
                closing.via(),
                "is a reference cycle that applies the same schema to the same value"
                        + " without end (" + schemas.get(closing.target()).field() + " -> " + String.join(" -> ", hops)
                        + "); a schema may refer back to itself only through properties or items");
    }
}
