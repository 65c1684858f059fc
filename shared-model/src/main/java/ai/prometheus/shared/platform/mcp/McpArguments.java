package ai.prometheus.shared.platform.mcp;

import ai.prometheus.shared.platform.problem.mapping.ProblemMappers;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Tool arguments checked against the tool's {@code inputSchema} and read into the request record
 * the REST API takes, with that record's Bean Validation: a service's MCP tools refuse exactly
 * what its REST endpoints refuse. Every problem becomes {@link McpServer.InvalidParams} naming
 * the fields as {@code arguments.<path>}.
 *
 * <p>The schema check covers what Bean Validation on a record cannot see: unknown properties
 * (where {@code additionalProperties} is false), required ones, JSON types, enums and the
 * {@code uuid} and {@code date-time} formats.
 */
@ApplicationScoped
public class McpArguments {

    private static final String ROOT = "arguments";

    private final ObjectMapper json;
    private final Validator validator;

    public McpArguments(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /** {@code arguments} (null: none sent) checked against {@code schema}; an object, possibly empty. */
    public ObjectNode check(JsonNode arguments, JsonNode schema) {
        ObjectNode object = arguments == null || arguments.isNull() ? json.createObjectNode() : (ObjectNode) arguments;
        List<FieldError> errors = new ArrayList<>();
        check(object, schema, ROOT, errors);
        fail(errors);
        return object;
    }

    /** {@code arguments} as {@code type} (fields it has no property for are ignored), then validated. */
    public <T> T read(ObjectNode arguments, Class<T> type) {
        T value;
        try {
            value = json.treeToValue(arguments, type);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(reference -> reference.getFieldName() != null
                            ? "." + reference.getFieldName()
                            : "[" + reference.getIndex() + "]")
                    .collect(Collectors.joining());
            throw invalid(List.of(new FieldError(ROOT + field, "has the wrong type or format")));
        } catch (JsonProcessingException e) {
            throw invalid(List.of(new FieldError(ROOT, "cannot be read: " + e.getOriginalMessage())));
        }
        List<FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<T> violation : validator.validate(value)) {
            errors.add(new FieldError(
                    ROOT + "." + ProblemMappers.fieldOf(violation.getPropertyPath()), violation.getMessage()));
        }
        fail(errors);
        return value;
    }

    /**
     * Runs {@code work} (typically parsing a parameter the way REST does) and turns a validation
     * problem it raises into invalid params naming {@code arguments.<field>}.
     */
    public static <T> T asArguments(Supplier<T> work) {
        try {
            return work.get();
        } catch (ProblemException problem) {
            throw asArguments(problem);
        }
    }

    /** A validation problem of the REST layer as invalid params; any other problem as it is. */
    public static RuntimeException asArguments(ProblemException problem) {
        if (problem.type() != ProblemType.VALIDATION) {
            return problem;
        }
        List<FieldError> errors = problem.errors().isEmpty()
                ? List.of(new FieldError(ROOT, problem.getMessage()))
                : problem.errors().stream()
                        .map(e -> new FieldError(ROOT + "." + e.field(), e.reason()))
                        .toList();
        return invalid(errors);
    }

    private static void fail(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
    }

    private static McpServer.InvalidParams invalid(List<FieldError> errors) {
        List<FieldError> sorted =
                errors.stream().sorted(Comparator.comparing(FieldError::field)).toList();
        return new McpServer.InvalidParams(
                "invalid arguments: "
                        + sorted.stream().map(e -> e.field() + " " + e.reason()).collect(Collectors.joining("; ")),
                sorted);
    }

    private static void check(JsonNode value, JsonNode schema, String field, List<FieldError> errors) {
        if (schema == null || !schema.isObject()) {
            return;
        }
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual() && !hasType(value, type.asText())) {
            errors.add(new FieldError(field, "must be " + article(type.asText())));
            return;
        }
        JsonNode allowed = schema.get("enum");
        if (allowed != null && allowed.isArray()) {
            boolean found = false;
            for (JsonNode candidate : allowed) {
                found |= candidate.equals(value);
            }
            if (!found) {
                errors.add(new FieldError(field, "must be one of " + allowed));
                return;
            }
        }
        if (value.isTextual() && schema.path("format").isTextual()) {
            String problem = formatProblem(value.asText(), schema.get("format").asText());
            if (problem != null) {
                errors.add(new FieldError(field, problem));
            }
        }
        if (value.isObject()) {
            JsonNode properties = schema.path("properties");
            schema.path("required").forEach(required -> {
                if (!value.hasNonNull(required.asText())) {
                    errors.add(new FieldError(field + "." + required.asText(), "is required"));
                }
            });
            value.fieldNames().forEachRemaining(name -> {
                if (properties.has(name)) {
                    if (!value.get(name).isNull()) {
                        check(value.get(name), properties.get(name), field + "." + name, errors);
                    }
                } else if (schema.path("additionalProperties").isBoolean()
                        && !schema.get("additionalProperties").asBoolean()) {
                    errors.add(new FieldError(
                            field + "." + name,
                            "is not a known argument; known: "
                                    + String.join(", ", (Iterable<String>) properties::fieldNames)));
                }
            });
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), schema.get("items"), field + "[" + i + "]", errors);
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" ->
                value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> true;
        };
    }

    private static String article(String type) {
        return switch (type) {
            case "object", "array", "integer" -> "an " + type;
            default -> "a " + type;
        };
    }

    private static String formatProblem(String text, String format) {
        try {
            switch (format) {
                case "uuid" -> UUID.fromString(text);
                case "date-time" -> OffsetDateTime.parse(text);
                default -> {}
            }
            return null;
        } catch (IllegalArgumentException e) {
            return "must be a UUID";
        } catch (DateTimeParseException e) {
            return "must be a date-time with offset (ISO-8601, e.g. 2026-05-01T12:00:00Z)";
        }
    }
}
