package ai.prometheus.registry.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.NodeMcpClient;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The registry as an MCP server, driven by a client nobody here wrote: the official MCP
 * TypeScript SDK, installed from npm at test time ({@link NodeMcpClient}).
 */
@QuarkusTest
class McpClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/mcp")
    URL mcp;

    @Test
    void officialSdkClientListsCallsAndHearsListChanged() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("mia", "mcp_weather");
        String rich = registerRichTool("mcp_rich");
        String agent = TestTokens.agent("mcp-agent", "tools:read tools:invoke");

        NodeMcpClient.Events events = NodeMcpClient.run(
                "mcp-client.mjs",
                List.of(mcp.toString(), agent, tool, "{\"city\": \"Lisbon\", \"days\": 2}", "{\"days\": 99}", rich),
                event -> {
                    if (event.path("event").asText().equals("waiting")) {
                        // Change the tool set; the server must tell the client.
                        RegistryFixtures.registerWeatherTool("mia", "mcp_new");
                    }
                });
        String trace = events.toString();

        JsonNode connected = events.find("connected");
        assertTrue(
                connected.path("capabilities").path("tools").path("listChanged").asBoolean(), trace);

        JsonNode listed = events.find("listed");
        boolean found = false;
        for (JsonNode t : listed.path("tools")) {
            if (t.path("name").asText().equals(tool)) {
                found = true;
                assertEquals("city", t.path("required").path(0).asText(), trace);
            }
        }
        assertTrue(found, "tools/list includes the tool the token may invoke: " + trace);

        JsonNode called = events.find("called");
        assertFalse(called.path("isError").asBoolean(), trace);
        assertEquals("Lisbon", called.path("structured").path("city").asText(), trace);
        assertEquals(2, called.path("structured").path("days").asInt(), trace);

        JsonNode bad = events.find("called-bad");
        assertTrue(bad.path("isError").asBoolean(), "invalid arguments are a tool error: " + trace);
        assertTrue(bad.path("text").asText().contains("arguments"), trace);

        assertRichContentProgressAndLogs(events.find("rich"), trace);

        JsonNode task = events.find("task");
        List<String> steps = task.path("steps").findValuesAsText("type");
        assertEquals("taskCreated", steps.get(0), "the call became a task: " + trace);
        assertEquals("result", steps.get(steps.size() - 1), "polled to its result: " + trace);
        JsonNode taskResult = task.path("steps").get(steps.size() - 1);
        assertFalse(taskResult.path("isError").asBoolean(), trace);
        assertEquals("Lisbon", taskResult.path("structured").path("city").asText(), trace);

        events.find("list-changed");
    }

    private static final String RICH_PYTHON = """
            import json, sys
            print("::prometheus:: " + json.dumps({"progress": 1, "total": 1, "message": "drawn"}), file=sys.stderr, flush=True)
            print("::prometheus:: " + json.dumps({"level": "warning", "message": "low ink", "logger": "pen"}), file=sys.stderr, flush=True)
            print("::prometheus:: " + json.dumps({"level": "debug", "message": "below the default level"}), file=sys.stderr, flush=True)
            print(json.dumps({"$mcp": {"content": [{"type": "text", "text": "a dot"},
                {"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"}], "structuredContent": {"width": 1}}}))
            """;

    /**
     * The SDK v2 client on the stateless revision, pinned to 2026-07-28 and in 'auto' mode: it lists,
     * calls (rich content, progress and log lines), and hears list_changed on its subscriptions/listen stream
     * only for a tool its token may call.
     */
    @Test
    void officialV2ClientPinnedAndAutoListsCallsAndHearsScopedListChanged() throws Exception {
        String weather = RegistryFixtures.registerWeatherTool("mia", "mcp_v2");
        String rich = registerRichTool("mcp_v2_rich");
        String agent = TestTokens.agent("mcp-v2-agent", "tools:read tools:invoke:mcp_v2_*");
        for (String mode : List.of("pin", "auto")) {
            NodeMcpClient.Events events = NodeMcpClient.run(
                    "mcp-client-v2.mjs",
                    List.of(mcp.toString(), agent, mode, weather, "{\"city\": \"Porto\", \"days\": 1}", rich),
                    event -> {
                        if (event.path("event").asText().equals("waiting")) {
                            // A tool the token may not call changes nothing for it; then one it may call does.
                            RegistryFixtures.registerWeatherTool("mia", "mcp_hidden");
                            sleep(1_500);
                            RegistryFixtures.registerWeatherTool("mia", "mcp_v2_new");
                        }
                    });
            String trace = mode + ": " + events;
            JsonNode listed = events.find("listed");
            List<String> names = listed.path("tools").findValuesAsText("name");
            assertTrue(names.contains(weather) && names.contains(rich), trace);
            assertFalse(
                    names.stream().anyMatch(n -> n.startsWith("mcp_hidden")), "only what the token may call: " + trace);

            JsonNode called = events.find("called");
            assertFalse(called.path("isError").asBoolean(), trace);
            assertEquals("Porto", called.path("structured").path("city").asText(), trace);

            assertRichContentProgressAndLogs(events.find("rich"), trace);

            JsonNode changed = events.find("list-changed");
            assertTrue(
                    changed.toString().contains("mcp_v2_new"),
                    "the refresh came from the tool the token may call, not the hidden one: " + trace);
        }
    }

    /** A tool answering rich content (an image, structured content) after a progress line and two log lines. */
    private static String registerRichTool(String prefix) {
        String rich = RegistryFixtures.uniqueName(prefix);
        RegistryFixtures.register(
                        RegistryFixtures.developer("mia"),
                        Map.of(
                                "name",
                                rich,
                                "description",
                                "Draws a dot",
                                "functionSignature",
                                Map.of("type", "object", "properties", Map.of()),
                                "implementation",
                                Map.of("language", "python", "code", RICH_PYTHON)))
                .statusCode(201);
        return rich;
    }

    /** What the client saw of the rich tool's call: its content, its progress, its warning and not its debug line. */
    private static void assertRichContentProgressAndLogs(JsonNode drawn, String trace) {
        assertFalse(drawn.path("isError").asBoolean(), trace);
        assertEquals("image", drawn.path("content").path(1).path("type").asText(), trace);
        assertEquals("image/png", drawn.path("content").path(1).path("mimeType").asText(), trace);
        assertEquals(1, drawn.path("structured").path("width").asInt(), trace);
        assertEquals(
                "drawn",
                drawn.path("progress").path(0).path("message").asText(),
                "progress reached the client: " + trace);
        JsonNode logs = drawn.path("logs");
        assertEquals(
                1, logs.size(), "the warning reached the client, the debug line (below the level) did not: " + trace);
        assertEquals("warning", logs.path(0).path("level").asText(), trace);
        assertEquals("pen", logs.path(0).path("logger").asText(), trace);
        assertEquals("low ink", logs.path(0).path("data").asText(), trace);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void tokensThatMayNotInvokeSeeNoToolsAndCannotCall() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("mia", "mcp_private");
        String reader = TestTokens.withScope("reader", "tools:read");
        var list = io.restassured.RestAssured.given()
                .auth()
                .oauth2(reader)
                .contentType("application/json")
                .accept("application/json, text/event-stream")
                .body(Map.of("jsonrpc", "2.0", "id", 1, "method", "tools/list"))
                .when()
                .post("/mcp")
                .then()
                .statusCode(200)
                .extract()
                .body()
                .asString();
        assertTrue(JSON.readTree(list).path("error").path("message").asText().contains("tools:invoke"), list);

        String call = io.restassured.RestAssured.given()
                .auth()
                .oauth2(reader)
                .contentType("application/json")
                .body(Map.of(
                        "jsonrpc",
                        "2.0",
                        "id",
                        2,
                        "method",
                        "tools/call",
                        "params",
                        Map.of("name", tool, "arguments", Map.of("city", "x"))))
                .when()
                .post("/mcp")
                .then()
                .statusCode(200)
                .extract()
                .body()
                .asString();
        JsonNode result = JSON.readTree(call).path("result");
        assertTrue(result.path("isError").asBoolean(), call);
        assertTrue(result.path("content").path(0).path("text").asText().contains("tools:invoke:" + tool), call);

        io.restassured.RestAssured.given()
                .contentType("application/json")
                .body(Map.of("jsonrpc", "2.0", "id", 3, "method", "tools/list"))
                .when()
                .post("/mcp")
                .then()
                .statusCode(401);
    }
}
