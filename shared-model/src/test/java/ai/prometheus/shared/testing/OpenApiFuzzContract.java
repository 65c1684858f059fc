package ai.prometheus.shared.testing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile input for every operation of the service's own OpenAPI document: path and
 * query parameters with NUL, broken escapes, huge and negative numbers, very long text; bodies
 * that are not JSON, of the wrong shape, with unknown or repeated fields, nested too deep, and
 * each documented property given the wrong type, null, NUL text or an out-of-range number. Every
 * answer must be below 500, and a 400 must be problem details naming a field or the syntax.
 * Bounded: it stops generating after {@link #BUDGET}.
 *
 * <p>Path parameters get hostile values and random names, which most operations answer with 404
 * before they read a body; so a service also names real resources it created
 * ({@link #knownPathValues()}), and bodies are then sent to those resources as well: the minimal
 * body the schema asks for (required properties with plausible values) with one property at a
 * time given a wrong value, which reaches the validation and storage code behind the lookup.
 */
public abstract class OpenApiFuzzContract {

    static final Duration BUDGET = Duration.ofSeconds(75);
    static final ObjectMapper JSON = new ObjectMapper();
    /** Operations that fail on purpose. */
    static final List<String> EXCLUDED = List.of("/api/v1/diagnostics/failure");

    static final List<String> HOSTILE_PARAMETERS = List.of(
            "%00",
            "a%00b",
            "%ZZ",
            "%",
            "-1",
            "0",
            "99999999999999999999",
            "abc",
            "%ED%A0%80",
            "x".repeat(2_000),
            "..%2F..",
            "%7B%7D",
            "true",
            "1e400",
            "00000000-0000-0000-0000-000000000000");
    static final List<String> HOSTILE_BODIES = List.of(
            "{",
            "[]",
            "null",
            "\"text\"",
            "42",
            "{\"unknownFuzzField\": 1}",
            "{} trailing",
            "{}{}",
            "{\"a\": 1, \"a\": 1}",
            "[".repeat(3_000) + "]".repeat(3_000),
            "{\"x\": 1e999999}",
            "{\"x\": \"\\u0000\"}",
            "{\"\\u0000\": 1}",
            "\uFEFF{}",
            "{\"x\": \"\\ud800\"}");

    private final List<String> failures = new ArrayList<>();
    private Map<String, String> known = Map.of();
    private final List<String> skipped = new ArrayList<>();
    private int sent;

    /**
     * Real resources for path parameters, keyed by the segment before the parameter and the
     * parameter as the document writes it ({@code "tools/{name}"}, {@code "memories/{memoryId}"}).
     * Operations with a body are fuzzed on them too; a DELETE never is, so they survive.
     */
    protected Map<String, String> knownPathValues() {
        return Map.of();
    }

    @Test
    void noGeneratedInputProducesA5xxAndEvery400NamesAField() throws IOException {
        JsonNode document = JSON.readTree(given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        known = knownPathValues();
        Instant deadline = Instant.now().plus(BUDGET);
        Random random = new Random(16);
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        document.path("paths").fields();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api/") || EXCLUDED.contains(path.getKey())) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> operations =
                            path.getValue().fields();
                    operations.hasNext(); ) {
                Map.Entry<String, JsonNode> operation = operations.next();
                String method = operation.getKey().toUpperCase(Locale.ROOT);
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    continue;
                }
                if (Instant.now().isAfter(deadline)) {
                    skipped.add(method + " " + path.getKey());
                    continue;
                }
                fuzz(document, path.getKey(), method, operation.getValue(), random);
            }
        }
        assertTrue(sent > 0, "no operation was fuzzed");
        System.out.printf("fuzz: %d requests; operations left out by the time budget: %s%n", sent, skipped);
        failures.sort(java.util.Comparator.comparing((String failure) -> !failure.startsWith("5")));
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + sent + " generated requests broke the rule:\n"
                        + String.join("\n", failures.subList(0, Math.min(30, failures.size()))));
    }

    private void fuzz(JsonNode document, String template, String method, JsonNode operation, Random random)
            throws IOException {
        List<String> queryNames = new ArrayList<>();
        for (JsonNode parameter : operation.path("parameters")) {
            if ("query".equals(parameter.path("in").asText())) {
                queryNames.add(parameter.path("name").asText());
            }
        }
        // A body every operation refuses, so hostile parameters never create anything.
        String refused = method.equals("GET") || method.equals("DELETE") ? null : "{\"unknownFuzzField\": 1}";
        if (template.contains("{")) {
            for (String value : HOSTILE_PARAMETERS) {
                send(method, fill(template, value), refused);
            }
        }
        String target = fill(template, "fuzz-" + random.nextInt(1_000_000));
        String real = method.equals("DELETE") ? null : fillKnown(template);
        for (String name : queryNames) {
            for (String value : HOSTILE_PARAMETERS) {
                send(method, target + "?" + name + "=" + value, refused);
                if (real != null && !real.equals(target)) {
                    send(method, real + "?" + name + "=" + value, refused);
                }
            }
        }
        if (!operation.has("requestBody")) {
            return;
        }
        JsonNode schema = resolve(
                document,
                operation
                        .path("requestBody")
                        .path("content")
                        .path("application/json")
                        .path("schema"));
        for (String where : real == null || real.equals(target) ? List.of(target) : List.of(target, real)) {
            for (String body : HOSTILE_BODIES) {
                send(method, where, body);
            }
            for (Iterator<Map.Entry<String, JsonNode>> properties =
                            schema.path("properties").fields();
                    properties.hasNext(); ) {
                Map.Entry<String, JsonNode> property = properties.next();
                JsonNode propertySchema = resolve(document, property.getValue());
                for (String wrong : wrongValuesFor(propertySchema)) {
                    send(method, where, "{\"" + property.getKey() + "\": " + wrong + "}");
                }
            }
        }
        if (real != null && schema.path("properties").size() > 0) {
            ObjectNode minimal = minimalBody(document, schema, 0);
            send(method, real, minimal.toString());
            for (Iterator<Map.Entry<String, JsonNode>> properties =
                            schema.path("properties").fields();
                    properties.hasNext(); ) {
                Map.Entry<String, JsonNode> property = properties.next();
                for (String wrong : wrongValuesFor(resolve(document, property.getValue()))) {
                    ObjectNode mutated = minimal.deepCopy();
                    mutated.set(property.getKey(), JSON.readTree(wrong));
                    send(method, real, mutated.toString());
                }
            }
        }
    }

    /** The template with every parameter a known resource (itself without any), or null when one is not known. */
    private String fillKnown(String template) {
        java.util.regex.Matcher parameter =
                java.util.regex.Pattern.compile("([^/]+)/(\\{[^}]+})").matcher(template);
        StringBuilder filled = new StringBuilder();
        while (parameter.find()) {
            String value = known.get(parameter.group(1) + "/" + parameter.group(2));
            if (value == null) {
                return null;
            }
            parameter.appendReplacement(
                    filled, java.util.regex.Matcher.quoteReplacement(parameter.group(1) + "/" + value));
        }
        parameter.appendTail(filled);
        return filled.toString().contains("{") ? null : filled.toString();
    }

    /** The required properties of {@code schema} with plausible values (examples, enums, formats). */
    private static ObjectNode minimalBody(JsonNode document, JsonNode schema, int depth) {
        ObjectNode body = JSON.createObjectNode();
        for (JsonNode required : schema.path("required")) {
            JsonNode property = resolve(document, schema.path("properties").path(required.asText()));
            body.set(required.asText(), plausibleValue(document, property, depth));
        }
        return body;
    }

    private static JsonNode plausibleValue(JsonNode document, JsonNode schema, int depth) {
        if (schema.has("example")) {
            return schema.get("example");
        }
        if (schema.path("enum").size() > 0) {
            return schema.path("enum").get(0);
        }
        return switch (schema.path("type").asText("")) {
            case "integer", "number" ->
                JSON.getNodeFactory()
                        .numberNode(Math.max(1, schema.path("minimum").asLong(1)));
            case "boolean" -> JSON.getNodeFactory().booleanNode(true);
            case "array" -> JSON.createArrayNode();
            case "object" -> depth < 3 ? minimalBody(document, schema, depth + 1) : JSON.createObjectNode();
            default ->
                JSON.getNodeFactory()
                        .textNode(
                                switch (schema.path("format").asText("")) {
                                    case "uuid" -> java.util.UUID.randomUUID().toString();
                                    case "date-time" -> "2026-01-01T00:00:00Z";
                                    case "date" -> "2026-01-01";
                                    case "uri" -> "https://example.org/fuzz";
                                    default -> "fuzz";
                                });
        };
    }

    private static List<String> wrongValuesFor(JsonNode schema) {
        String type = schema.path("type").asText("");
        List<String> values = new ArrayList<>(List.of(
                "null",
                "\"a\\u0000b\"",
                "\"\\udc00\"",
                "99999999999999999999999",
                "-1",
                "1.5",
                "[]",
                "{}",
                "\"x\"",
                "true"));
        if (type.equals("string")) {
            values.add("\"" + "s".repeat(100_000) + "\"");
        }
        if (type.equals("object")) {
            values.add("{\"nested\": {\"deeper\": \"\\u0000\"}}");
        }
        return values;
    }

    private static JsonNode resolve(JsonNode document, JsonNode schema) {
        for (int depth = 0; depth < 10 && schema.has("$ref"); depth++) {
            String ref = schema.path("$ref").asText();
            schema = document.at(ref.startsWith("#") ? ref.substring(1) : ref);
        }
        if (schema.has("allOf") && schema.path("allOf").size() == 1) {
            return resolve(document, schema.path("allOf").get(0));
        }
        return schema;
    }

    private static String fill(String template, String value) {
        return template.replaceAll("\\{[^}]+}", java.util.regex.Matcher.quoteReplacement(value));
    }

    private void send(String method, String target, String body) throws IOException {
        StringBuilder request = new StringBuilder(method)
                .append(' ')
                .append(target.replace(" ", "%20"))
                .append(" HTTP/1.1\r\nAuthorization: Bearer ")
                .append(TestTokens.admin())
                .append("\r\n");
        String payload = body == null ? "" : body;
        if (body != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .append("\r\n");
        }
        RawHttp.RawResponse response = RawHttp.send(request.toString(), payload);
        sent++;
        String what = method + " " + abbreviate(target) + (body == null ? "" : " " + abbreviate(body));
        if (response.status() >= 500 || response.status() < 100) {
            failures.add(response.status() + " for " + what + ": " + abbreviate(response.body()));
        } else if (response.status() == 400) {
            boolean problem = response.headers().toLowerCase(Locale.ROOT).contains("application/problem+json");
            boolean named =
                    response.body().contains("\"field\"") || response.body().contains("malformed-json");
            if (!problem || !named) {
                failures.add("400 without a named field for " + what + ": " + abbreviate(response.body()));
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…(" + text.length() + " chars)";
    }
}
