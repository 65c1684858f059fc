package ai.prometheus.registry.invocation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.platform.mcp.JsonRpc;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Arguments PostgreSQL cannot store (NUL, lone surrogates) or no number can hold (1e999999, which
 * a lenient reader turns into the string "Infinity") are refused naming the argument, on REST and
 * over MCP alike, for a tool whose schema accepts anything: the suite's rule, not the tool's schema,
 * refuses them. Over MCP they are tool errors (the model can fix its arguments); anywhere else in a
 * JSON-RPC request they are -32602, never an internal error.
 */
@QuarkusTest
class UnstorableArgumentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OWNER = RegistryFixtures.developer("unstorable-owner");
    private static final String AGENT = TestTokens.agent("unstorable-agent", "tools:read tools:invoke");
    private static String tool;

    /** A tool whose schema accepts anything, registered on first use. */
    private static synchronized String tool() {
        if (tool != null) {
            return tool;
        }
        tool = RegistryFixtures.uniqueName("takes_anything");
        RegistryFixtures.register(
                        OWNER,
                        Map.of(
                                "name", tool,
                                "description", "Echoes any note",
                                "tags", List.of("unstorable"),
                                "functionSignature", Map.of("type", "object", "properties", Map.of("note", Map.of())),
                                "implementation", Map.of("language", "python", "code", "print('{}')")))
                .statusCode(201);
        return tool;
    }

    @Test
    void restRefusesAnOverflowingNumberNamingTheArgument() {
        given().auth()
                .oauth2(OWNER)
                .contentType("application/json")
                .body("{\"arguments\": {\"note\": 1e999999}}")
                .when()
                .post("/api/v1/tools/" + tool() + "/invocations")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("arguments.note"))
                .body("errors[0].reason", containsString("out of range"));
    }

    @Test
    void mcpAnswersUnstorableArgumentsAsToolErrorsNamingThem() throws Exception {
        for (String note : List.of("\"a\\u0000b\"", "\"\\ud800\"", "1e999999", "[{\"\\u0000\": 1}]")) {
            JsonNode answer = call("{\"name\": \"" + tool() + "\", \"arguments\": {\"note\": " + note + "}}");
            assertTrue(answer.path("result").path("isError").asBoolean(), note + ": " + answer);
            String text =
                    answer.path("result").path("content").path(0).path("text").asText();
            assertTrue(text.contains("arguments.note"), note + ": " + text);
        }
    }

    @Test
    void mcpAnswersUnstorableTextOutsideTheArgumentsAsInvalidParams() throws Exception {
        JsonNode answer = call("{\"name\": \"no\\u0000such\", \"arguments\": {}}");
        assertEquals(JsonRpc.INVALID_PARAMS, answer.path("error").path("code").asInt(), answer.toString());
        assertEquals(
                "params.name",
                answer.path("error")
                        .path("data")
                        .path("errors")
                        .path(0)
                        .path("field")
                        .asText());
    }

    private static JsonNode call(String params) throws Exception {
        return JSON.readTree(given().auth()
                .oauth2(AGENT)
                .contentType("application/json")
                .accept("application/json")
                .header("MCP-Protocol-Version", "2025-11-25")
                .body("{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"tools/call\", \"params\": " + params + "}")
                .when()
                .post("/mcp")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }
}
