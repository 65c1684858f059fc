package ai.prometheus.registry;

import static io.restassured.RestAssured.given;

import ai.prometheus.shared.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds tools the way a developer registers them, over the real REST API. */
public final class RegistryFixtures {

    /** Arguments {city: string (required), days: integer 1..14}. */
    public static final Map<String, Object> WEATHER_SCHEMA = Map.of(
            "type",
            "object",
            "properties",
            Map.of(
                    "city", Map.of("type", "string", "minLength", 1),
                    "days", Map.of("type", "integer", "minimum", 1, "maximum", 14)),
            "required",
            List.of("city"),
            "additionalProperties",
            false);

    /** Echoes its arguments back as JSON with a greeting. */
    public static final String ECHO_PYTHON = "import json, sys\n"
            + "args = json.load(sys.stdin)\n"
            + "print(json.dumps({'city': args['city'], 'forecast': 'sunny', 'days': args.get('days', 1)}))\n";

    private RegistryFixtures() {}

    /** A tool name nobody else in the test run uses. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A developer's token: may write, read and invoke tools. */
    public static String developer(String subject) {
        return TestTokens.withScope(subject, "tools:write tools:read tools:invoke");
    }

    public static Map<String, Object> definition(String name, String description, List<String> tags, String code) {
        return Map.of(
                "name", name,
                "description", description,
                "tags", tags,
                "functionSignature", WEATHER_SCHEMA,
                "implementation", Map.of("language", "python", "code", code, "limits", Map.of("wallMs", 5000)));
    }

    public static ValidatableResponse register(String token, Map<String, Object> definition) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(definition)
                .when()
                .post("/api/v1/tools")
                .then();
    }

    /** An object signature without properties: a tool that takes no arguments. */
    public static final Map<String, Object> NO_ARGUMENTS = Map.of("type", "object", "properties", Map.of());

    /**
     * Registers a python tool owned by {@code owner}, named after {@code prefix}, running {@code code}
     * under {@code limits} (empty: the defaults), and answers its name.
     */
    public static String registerPython(
            String owner, String prefix, Map<String, Object> signature, String code, Map<String, Object> limits) {
        String name = uniqueName(prefix);
        register(
                        developer(owner),
                        Map.of(
                                "name",
                                name,
                                "description",
                                "test tool " + prefix,
                                "functionSignature",
                                signature,
                                "implementation",
                                Map.of("language", "python", "code", code, "limits", limits)))
                .statusCode(201);
        return name;
    }

    /** Registers a weather-like tool owned by {@code owner} and answers its name. */
    public static String registerWeatherTool(String owner, String prefix) {
        String name = uniqueName(prefix);
        register(
                        developer(owner),
                        definition(name, "Weather forecast for a city", List.of("weather", "forecast"), ECHO_PYTHON))
                .statusCode(201);
        return name;
    }
}
