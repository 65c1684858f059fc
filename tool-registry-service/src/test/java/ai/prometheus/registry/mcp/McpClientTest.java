package ai.prometheus.registry.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The registry as an MCP server, driven by a client nobody here wrote: the official MCP
 * TypeScript SDK, installed from npm at test time (src/test/mcp holds its pinned lock file).
 */
@QuarkusTest
class McpClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/mcp")
    URL mcp;

    @Test
    void officialSdkClientListsCallsAndHearsListChanged() throws Exception {
        Path client = installClient();
        String tool = RegistryFixtures.registerWeatherTool("mia", "mcp_weather");
        String agent = TestTokens.agent("mcp-agent", "tools:read tools:invoke");

        Process node = new ProcessBuilder(
                        "node",
                        "mcp-client.mjs",
                        mcp.toString(),
                        agent,
                        tool,
                        "{\"city\": \"Lisbon\", \"days\": 2}",
                        "{\"days\": 99}")
                .directory(client.toFile())
                .redirectError(
                        ProcessBuilder.Redirect.to(client.resolve("stderr.log").toFile()))
                .start();
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                JsonNode event = JSON.readTree(line);
                events.add(event);
                if (event.path("event").asText().equals("error")) {
                    break;
                }
                if (event.path("event").asText().equals("waiting")) {
                    // Change the tool set; the server must tell the client.
                    RegistryFixtures.registerWeatherTool("mia", "mcp_new");
                }
            }
        }
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), "the MCP client did not finish");
        String trace = events + "\nstderr: " + Files.readString(client.resolve("stderr.log"));
        assertEquals(0, node.exitValue(), trace);

        JsonNode connected = find(events, "connected", trace);
        assertTrue(
                connected.path("capabilities").path("tools").path("listChanged").asBoolean(), trace);

        JsonNode listed = find(events, "listed", trace);
        boolean found = false;
        for (JsonNode t : listed.path("tools")) {
            if (t.path("name").asText().equals(tool)) {
                found = true;
                assertEquals("city", t.path("required").path(0).asText(), trace);
            }
        }
        assertTrue(found, "tools/list includes the tool the token may invoke: " + trace);

        JsonNode called = find(events, "called", trace);
        assertFalse(called.path("isError").asBoolean(), trace);
        assertEquals("Lisbon", called.path("structured").path("city").asText(), trace);
        assertEquals(2, called.path("structured").path("days").asInt(), trace);

        JsonNode bad = find(events, "called-bad", trace);
        assertTrue(bad.path("isError").asBoolean(), "invalid arguments are a tool error: " + trace);
        assertTrue(bad.path("text").asText().contains("arguments"), trace);

        JsonNode task = find(events, "task", trace);
        List<String> steps = task.path("steps").findValuesAsText("type");
        assertEquals("taskCreated", steps.get(0), "the call became a task: " + trace);
        assertEquals("result", steps.get(steps.size() - 1), "polled to its result: " + trace);
        JsonNode taskResult = task.path("steps").get(steps.size() - 1);
        assertFalse(taskResult.path("isError").asBoolean(), trace);
        assertEquals("Lisbon", taskResult.path("structured").path("city").asText(), trace);

        find(events, "list-changed", trace);
    }

    private static final String RICH_PYTHON = """
            import json, sys
            print("::prometheus:: " + json.dumps({"progress": 1, "total": 1, "message": "drawn"}), file=sys.stderr, flush=True)
            print(json.dumps({"$mcp": {"content": [{"type": "text", "text": "a dot"},
                {"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"}], "structuredContent": {"width": 1}}}))
            """;

    /**
     * The SDK v2 client on the stateless revision, pinned to 2026-07-28 and in 'auto' mode: it lists,
     * calls (rich content and progress), and hears list_changed on its subscriptions/listen stream
     * only for a tool its token may call.
     */
    @Test
    void officialV2ClientPinnedAndAutoListsCallsAndHearsScopedListChanged() throws Exception {
        Path client = installClient();
        String weather = RegistryFixtures.registerWeatherTool("mia", "mcp_v2");
        String rich = RegistryFixtures.uniqueName("mcp_v2_rich");
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
        String agent = TestTokens.agent("mcp-v2-agent", "tools:read tools:invoke:mcp_v2_*");
        for (String mode : List.of("pin", "auto")) {
            List<JsonNode> events = runClient(
                    client,
                    "mcp-client-v2.mjs",
                    List.of(mcp.toString(), agent, mode, weather, "{\"city\": \"Porto\", \"days\": 1}", rich),
                    () -> {
                        // A tool the token may not call changes nothing for it; then one it may call does.
                        RegistryFixtures.registerWeatherTool("mia", "mcp_hidden");
                        sleep(1_500);
                        return RegistryFixtures.registerWeatherTool("mia", "mcp_v2_new");
                    });
            String trace = mode + ": " + events;
            JsonNode listed = find(events, "listed", trace);
            List<String> names = listed.path("tools").findValuesAsText("name");
            assertTrue(names.contains(weather) && names.contains(rich), trace);
            assertFalse(
                    names.stream().anyMatch(n -> n.startsWith("mcp_hidden")), "only what the token may call: " + trace);

            JsonNode called = find(events, "called", trace);
            assertFalse(called.path("isError").asBoolean(), trace);
            assertEquals("Porto", called.path("structured").path("city").asText(), trace);

            JsonNode drawn = find(events, "rich", trace);
            assertEquals("image", drawn.path("content").path(1).path("type").asText(), trace);
            assertEquals(
                    "image/png", drawn.path("content").path(1).path("mimeType").asText(), trace);
            assertEquals(1, drawn.path("structured").path("width").asInt(), trace);
            assertEquals(
                    "drawn",
                    drawn.path("progress").path(0).path("message").asText(),
                    "progress reached the client: " + trace);

            JsonNode changed = find(events, "list-changed", trace);
            assertTrue(
                    changed.toString().contains("mcp_v2_new"),
                    "the refresh came from the tool the token may call, not the hidden one: " + trace);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a client script; when it says 'waiting', {@code onWaiting} changes the tool set. */
    private static List<JsonNode> runClient(
            Path client, String script, List<String> arguments, java.util.concurrent.Callable<String> onWaiting)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(arguments);
        Process node = new ProcessBuilder(command)
                .directory(client.toFile())
                .redirectError(ProcessBuilder.Redirect.to(
                        client.resolve(script + ".stderr.log").toFile()))
                .start();
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                JsonNode event = JSON.readTree(line);
                events.add(event);
                if (event.path("event").asText().equals("error")) {
                    break;
                }
                if (event.path("event").asText().equals("waiting")) {
                    onWaiting.call();
                }
            }
        }
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), "the MCP client did not finish");
        assertEquals(
                0, node.exitValue(), events + "\nstderr: " + Files.readString(client.resolve(script + ".stderr.log")));
        return events;
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

    private static JsonNode find(List<JsonNode> events, String name, String trace) {
        return events.stream()
                .filter(e -> e.path("event").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + name + "' from the MCP client: " + trace));
    }

    /** Copies the client next to the build output and installs its pinned dependencies once. */
    private static Path installClient() throws IOException, InterruptedException {
        Path source = Path.of("src/test/mcp");
        Path target = Path.of("target/mcp-client");
        Files.createDirectories(target);
        for (String file : List.of("package.json", "package-lock.json", "mcp-client.mjs", "mcp-client-v2.mjs")) {
            Files.copy(source.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(target.resolve("node_modules/@modelcontextprotocol/sdk"))
                || !Files.isDirectory(target.resolve("node_modules/@modelcontextprotocol/client"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(target.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(new File(target.toFile(), "npm.log"))
                    .start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci failed (Node.js and npm are needed for the MCP client test): "
                        + Files.readString(target.resolve("npm.log")));
            }
        }
        return target;
    }
}
