package ai.prometheus.registry.mcp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.platform.mcp.JsonRpc;
import ai.prometheus.shared.platform.mcp.McpServer;
import ai.prometheus.shared.platform.mcp.McpTransport;
import ai.prometheus.shared.testing.McpHttp;
import ai.prometheus.shared.testing.StatelessMcp;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The MCP server beyond the transport: notifications from a running tool (real sandbox), the
 * output envelope and outputSchema, tool metadata, completion, and the stateless 2026-07-28
 * revision, driven over HTTP as a host would.
 */
@QuarkusTest
class McpProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT = TestTokens.agent("mcp-protocol-agent", "tools:read tools:invoke");
    private static final McpHttp MCP = McpHttp.as(AGENT);
    private static final Map<String, Object> NO_ARGUMENTS = Map.of("type", "object", "properties", Map.of());

    private static final String CHATTY_PYTHON = """
            import json, sys
            def event(body):
                print("::prometheus:: " + json.dumps(body), file=sys.stderr, flush=True)
            event({"progress": 1, "total": 2, "message": "half"})
            event({"level": "debug", "message": "fine detail"})
            event({"progress": 2, "total": 2})
            event({"level": "warning", "message": "careful", "logger": "chatty"})
            print("done")
            """;

    @Test
    void aRunningToolsProgressAndLogLinesArriveAsNotificationsBeforeItsResult() throws Exception {
        String tool = register(RegistryFixtures.uniqueName("mcp_chatty"), "python", CHATTY_PYTHON, null, null);
        String session = MCP.openSession();

        List<JsonNode> events = callStreaming(tool, session, "tok-1");
        assertTrue(events.get(0).isMissingNode(), "a priming event with no data comes first: " + events);
        JsonNode first = events.get(1);
        assertEquals("notifications/progress", first.path("method").asText(), events.toString());
        assertEquals("tok-1", first.path("params").path("progressToken").asText());
        assertEquals(1, first.path("params").path("progress").asInt());
        assertEquals(2, first.path("params").path("total").asInt());
        assertEquals("half", first.path("params").path("message").asText());
        assertEquals(2, events.get(2).path("params").path("progress").asInt(), events.toString());
        // The session asked for no level: info and above, so the debug line stays out.
        JsonNode log = events.get(3);
        assertEquals("notifications/message", log.path("method").asText(), events.toString());
        assertEquals("warning", log.path("params").path("level").asText());
        assertEquals("careful", log.path("params").path("data").asText());
        assertEquals("chatty", log.path("params").path("logger").asText());
        JsonNode response = events.get(events.size() - 1);
        assertEquals(5, events.size(), events.toString());
        assertEquals(
                "done",
                response.path("result")
                        .path("content")
                        .path(0)
                        .path("text")
                        .asText()
                        .strip());

        JsonNode setLevel = MCP.inSession(session).rpc("logging/setLevel", Map.of("level", "debug"));
        assertEquals(0, setLevel.path("result").size(), setLevel.toString());
        List<JsonNode> chatty = callStreaming(tool, session, null);
        List<String> methods =
                chatty.stream().map(e -> e.path("method").asText()).toList();
        assertFalse(methods.contains("notifications/progress"), "no progress without a progressToken: " + chatty);
        assertEquals(2, methods.stream().filter("notifications/message"::equals).count(), chatty.toString());
        assertEquals("fine detail", chatty.get(1).path("params").path("data").asText(), chatty.toString());

        JsonNode badLevel = MCP.inSession(session).rpc("logging/setLevel", Map.of("level", "loud"));
        assertEquals(JsonRpc.INVALID_PARAMS, badLevel.path("error").path("code").asInt(), badLevel.toString());
    }

    @Test
    void theOutputEnvelopeCarriesContentBlocksAndTheOutputSchemaIsEnforced() throws Exception {
        Map<String, Object> outputSchema = Map.of(
                "type", "object", "properties", Map.of("n", Map.of("type", "integer")), "required", List.of("n"));
        String image = register(
                RegistryFixtures.uniqueName("mcp_image"),
                "python",
                "import json\nprint(json.dumps({'$mcp': {"
                        + "'content': [{'type': 'image', 'data': 'aGk=', 'mimeType': 'image/png'}], 'structuredContent': {'n': 3}}}))\n",
                Map.of("outputSchema", outputSchema),
                null);
        JsonNode ok = MCP.rpc("tools/call", Map.of("name", image)).path("result");
        assertFalse(ok.path("isError").asBoolean(), ok.toString());
        assertEquals("image", ok.path("content").path(0).path("type").asText(), ok.toString());
        assertEquals("image/png", ok.path("content").path(0).path("mimeType").asText());
        assertEquals(3, ok.path("structuredContent").path("n").asInt());

        String liar = register(
                RegistryFixtures.uniqueName("mcp_liar"),
                "bash",
                "echo '{\"n\": \"three\"}'\n",
                Map.of("outputSchema", outputSchema),
                null);
        JsonNode broken = MCP.rpc("tools/call", Map.of("name", liar)).path("result");
        assertTrue(broken.path("isError").asBoolean(), broken.toString());
        assertTrue(broken.path("content").path(0).path("text").asText().contains("outputSchema"), broken.toString());
        assertTrue(broken.path("content").path(0).path("text").asText().contains("output.n"), broken.toString());

        String video = register(
                RegistryFixtures.uniqueName("mcp_video"),
                "bash",
                "echo '{\"$mcp\": {\"content\": [{\"type\": \"video\"}]}}'\n",
                null,
                null);
        JsonNode malformed = MCP.rpc("tools/call", Map.of("name", video)).path("result");
        assertTrue(malformed.path("isError").asBoolean(), malformed.toString());
        assertTrue(
                malformed.path("content").path(0).path("text").asText().contains("$mcp.content[0]"),
                malformed.toString());
    }

    @Test
    void toolMetadataIsListedAndOpenWorldFollowsTheNetworkPolicy() throws Exception {
        Map<String, Object> mcp = Map.of(
                "title",
                "Weather lookup",
                "icons",
                List.of(Map.of(
                        "src", "https://example.com/sun.png", "mimeType", "image/png", "sizes", List.of("48x48"))),
                "annotations",
                Map.of("readOnlyHint", true, "destructiveHint", false, "idempotentHint", true),
                "outputSchema",
                Map.of("type", "object"));
        String online = register(
                RegistryFixtures.uniqueName("mcp_online"),
                "bash",
                "echo '{}'\n",
                mcp,
                Map.of("allow", List.of("api.example.com:443")));
        String offline = register(RegistryFixtures.uniqueName("mcp_offline"), "bash", "echo '{}'\n", null, null);

        Map<String, JsonNode> listed = new HashMap<>();
        MCP.rpc("tools/list", Map.of())
                .path("result")
                .path("tools")
                .forEach(t -> listed.put(t.path("name").asText(), t));
        JsonNode described = listed.get(online);
        assertNotNull(described, listed.keySet().toString());
        assertEquals("Weather lookup", described.path("title").asText());
        assertEquals(
                "https://example.com/sun.png",
                described.path("icons").path(0).path("src").asText());
        assertTrue(described.path("annotations").path("readOnlyHint").asBoolean(), described.toString());
        assertTrue(described.path("annotations").path("idempotentHint").asBoolean(), described.toString());
        assertTrue(described.path("annotations").path("openWorldHint").asBoolean(), "it may reach api.example.com");
        assertEquals("object", described.path("outputSchema").path("type").asText());
        assertFalse(
                listed.get(offline).path("annotations").path("openWorldHint").asBoolean(true),
                "no network policy: a closed world: " + listed.get(offline));

        // What the owner may not claim or send is a 400 naming the field.
        RegistryFixtures.register(
                        RegistryFixtures.developer("mcp-owner"),
                        definition(
                                RegistryFixtures.uniqueName("mcp_bad"),
                                "bash",
                                "echo 1",
                                Map.of("outputSchema", Map.of("type", "string")),
                                null))
                .statusCode(400)
                .body("errors.field", hasItem("mcp.outputSchema.type"));
        RegistryFixtures.register(
                        RegistryFixtures.developer("mcp-owner"),
                        definition(
                                RegistryFixtures.uniqueName("mcp_bad"),
                                "bash",
                                "echo 1",
                                Map.of("icons", List.of(Map.of("src", "javascript:alert(1)"))),
                                null))
                .statusCode(400)
                .body("errors.field", hasItem("mcp.icons[0].src"));
    }

    @Test
    void completionOffersEnumValuesAndToolNames() throws Exception {
        String name = RegistryFixtures.uniqueName("mcp_units");
        Map<String, Object> definition = new HashMap<>(definition(name, "bash", "echo ok", null, null));
        definition.put(
                "functionSignature",
                Map.of(
                        "type",
                        "object",
                        "properties",
                        Map.of(
                                "unit",
                                Map.of("type", "string", "enum", List.of("celsius", "centigrade", "fahrenheit")))));
        RegistryFixtures.register(RegistryFixtures.developer("mcp-owner"), definition)
                .statusCode(201);

        JsonNode units = MCP.rpc(
                        "completion/complete",
                        Map.of(
                                "ref",
                                Map.of("type", "ref/tool", "name", name),
                                "argument",
                                Map.of("name", "unit", "value", "c")))
                .path("result")
                .path("completion");
        assertEquals(
                List.of("celsius", "centigrade"),
                JSON.convertValue(units.path("values"), List.class),
                units.toString());
        assertFalse(units.path("hasMore").asBoolean());

        JsonNode names = MCP.rpc(
                        "completion/complete",
                        Map.of(
                                "ref",
                                Map.of("type", "ref/tool", "name", ""),
                                "argument",
                                Map.of("name", "name", "value", name.substring(0, 12))))
                .path("result")
                .path("completion");
        assertTrue(JSON.convertValue(names.path("values"), List.class).contains(name), names.toString());

        JsonNode prompt = MCP.rpc(
                        "completion/complete",
                        Map.of(
                                "ref",
                                Map.of("type", "ref/prompt", "name", "x"),
                                "argument",
                                Map.of("name", "a", "value", "")))
                .path("result")
                .path("completion");
        assertEquals(0, prompt.path("values").size(), "this server has no prompts: " + prompt);
    }

    @Test
    void theStatelessRevisionNeedsNoInitializeAndChecksRoutingHeaders() throws Exception {
        Map<String, Object> meta = Map.of(
                "_meta",
                Map.of(
                        McpServer.META_PROTOCOL_VERSION,
                        "2026-07-28",
                        "io.modelcontextprotocol/clientCapabilities",
                        Map.of()));
        JsonNode discovered = MCP.rpc("server/discover", meta).path("result");
        assertEquals("complete", discovered.path("resultType").asText(), discovered.toString());
        assertTrue(discovered.path("supportedVersions").toString().contains("2026-07-28"), discovered.toString());
        assertTrue(discovered.path("supportedVersions").toString().contains("2025-06-18"), discovered.toString());
        assertTrue(discovered.path("capabilities").has("tools"), discovered.toString());
        assertEquals(
                "prometheus-tool-registry",
                discovered.path("serverInfo").path("name").asText());

        String listed = given().auth()
                .oauth2(AGENT)
                .contentType("application/json")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/list")
                .body(Map.of("jsonrpc", "2.0", "id", 7, "method", "tools/list", "params", meta))
                .when()
                .post("/mcp")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        JsonNode list = JSON.readTree(listed).path("result");
        assertEquals("complete", list.path("resultType").asText(), listed);
        assertEquals("private", list.path("cacheScope").asText(), "the list depends on the token: " + listed);
        assertTrue(list.path("ttlMs").asLong() > 0, listed);
        List<String> names = new ArrayList<>();
        list.path("tools").forEach(t -> names.add(t.path("name").asText()));
        assertEquals(ToolSearch.NAME, names.get(0), "the built-in search first: " + names);
        List<String> registered = names.subList(1, names.size());
        assertEquals(registered.stream().sorted().toList(), registered, "a deterministic order, by name");

        given().auth()
                .oauth2(AGENT)
                .contentType("application/json")
                .header("Mcp-Method", "tools/list")
                .body(Map.of("jsonrpc", "2.0", "id", 8, "method", "ping"))
                .when()
                .post("/mcp")
                .then()
                .statusCode(400)
                .body("error.message", containsString("Mcp-Method"));
        given().auth()
                .oauth2(AGENT)
                .contentType("application/json")
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "some_tool")
                .body(Map.of("jsonrpc", "2.0", "id", 9, "method", "tools/call", "params", Map.of("name", "other_tool")))
                .when()
                .post("/mcp")
                .then()
                .statusCode(400)
                .body("error.message", containsString("Mcp-Name"));

        JsonNode initialized =
                MCP.rpc("initialize", McpHttp.initializeParams("2026-07-28")).path("result");
        assertEquals(
                "2025-11-25",
                initialized.path("protocolVersion").asText(),
                "initialize belongs to the session-based versions: " + initialized);
        assertTrue(
                initialized.path("capabilities").has("logging")
                        && initialized.path("capabilities").has("completions"),
                initialized.toString());
    }

    /** 2026-07-28 has no logging/setLevel: a request names its level in _meta, and without one hears no log lines. */
    @Test
    void aStatelessRequestHearsLogLinesOnlyAtTheLevelItsMetaNames() throws Exception {
        String tool = register(RegistryFixtures.uniqueName("mcp_chatty_modern"), "python", CHATTY_PYTHON, null, null);
        List<JsonNode> silent = callStreamingWithMeta(tool, null, StatelessMcp.envelope(Map.of(), Map.of()));
        assertFalse(
                silent.stream().anyMatch(e -> e.path("method").asText().equals("notifications/message")),
                silent.toString());
        assertEquals(
                "complete",
                silent.get(silent.size() - 1).path("result").path("resultType").asText(),
                silent.toString());

        List<JsonNode> warned = callStreamingWithMeta(
                tool, null, StatelessMcp.envelope(Map.of(), Map.of(McpServer.META_LOG_LEVEL, "info")));
        List<JsonNode> messages = warned.stream()
                .filter(e -> e.path("method").asText().equals("notifications/message"))
                .toList();
        assertEquals(1, messages.size(), warned.toString());
        assertEquals("careful", messages.get(0).path("params").path("data").asText(), warned.toString());
        List<JsonNode> all = callStreamingWithMeta(
                tool, null, StatelessMcp.envelope(Map.of(), Map.of(McpServer.META_LOG_LEVEL, "debug")));
        assertEquals(
                2,
                all.stream()
                        .filter(e -> e.path("method").asText().equals("notifications/message"))
                        .count(),
                all.toString());
    }

    private static Map<String, Object> definition(
            String name, String language, String code, Map<String, Object> mcp, Map<String, Object> network) {
        Map<String, Object> implementation =
                new HashMap<>(Map.of("language", language, "code", code, "limits", Map.of("wallMs", 10_000)));
        if (network != null) {
            implementation.put("network", network);
        }
        Map<String, Object> definition = new HashMap<>(Map.of(
                "name",
                name,
                "description",
                "MCP protocol test tool",
                "functionSignature",
                NO_ARGUMENTS,
                "implementation",
                implementation));
        if (mcp != null) {
            definition.put("mcp", mcp);
        }
        return definition;
    }

    private static String register(
            String name, String language, String code, Map<String, Object> mcp, Map<String, Object> network) {
        RegistryFixtures.register(
                        RegistryFixtures.developer("mcp-owner"), definition(name, language, code, mcp, network))
                .statusCode(201);
        return name;
    }

    /** A tools/call answered as an event stream: each event's data as JSON (missing for an empty one). */
    private static List<JsonNode> callStreaming(String tool, String session, String progressToken) throws Exception {
        return callStreamingWithMeta(
                tool, session, progressToken == null ? Map.of() : Map.of("progressToken", progressToken));
    }

    private static List<JsonNode> callStreamingWithMeta(String tool, String session, Map<String, Object> meta)
            throws Exception {
        Map<String, Object> params = new HashMap<>(Map.of("name", tool, "arguments", Map.of()));
        if (!meta.isEmpty()) {
            params.put("_meta", meta);
        }
        var request = given().auth()
                .oauth2(AGENT)
                .contentType("application/json")
                .accept("application/json, text/event-stream")
                .headers(StatelessMcp.headersFor("tools/call", params));
        if (session != null) {
            request.header(McpTransport.SESSION_HEADER, session);
        }
        ExtractableResponse<Response> answer = request.body(
                        Map.of("jsonrpc", "2.0", "id", 2, "method", "tools/call", "params", params))
                .when()
                .post("/mcp")
                .then()
                .statusCode(200)
                .extract();
        assertTrue(answer.contentType().startsWith("text/event-stream"), answer.contentType());
        List<JsonNode> events = new ArrayList<>();
        for (String event : answer.asString().split("\n\n")) {
            String data = null;
            boolean hasId = false;
            for (String line : event.split("\n")) {
                hasId |= line.startsWith("id: ");
                if (line.startsWith("data:")) {
                    data = line.substring(5).strip();
                }
            }
            assertTrue(hasId, "every event has an id: " + event);
            events.add(data == null || data.isEmpty() ? JSON.missingNode() : JSON.readTree(data));
        }
        return events;
    }
}
