package ai.prometheus.memory.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;
import io.modelcontextprotocol.modern.client.transport.McpHttpRequestCustomizer;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The memory guild's /mcp driven by a client nobody here wrote: the official MCP Java SDK, its
 * session client on 2025-11-25 and its stateless client on 2026-07-28.
 */
@QuarkusTest
class McpMemoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READ_WRITE = "memory:read memory:write";

    @TestHTTPResource("/")
    URL root;

    @TestHTTPResource("/mcp")
    URL mcp;

    @Test
    void rememberRecallReadAndForgetThroughTheSdkClient() {
        try (McpSyncClient client = client(TestTokens.agent("mcp-memory-agent", READ_WRITE))) {
            McpSchema.InitializeResult initialized = client.initialize();
            assertEquals("prometheus-memory-guild", initialized.serverInfo().name());
            assertNotNull(initialized.capabilities().tools());

            Map<String, McpSchema.Tool> tools = tools(client);
            assertEquals(
                    List.of("remember", "recall", "read_memory", "forget", "list_contexts", "create_context"),
                    List.copyOf(tools.keySet()));
            assertTrue(tools.get("recall").annotations().readOnlyHint());
            assertFalse(tools.get("recall").annotations().destructiveHint());
            assertTrue(tools.get("forget").annotations().destructiveHint());
            assertFalse(tools.get("remember").annotations().readOnlyHint());
            assertFalse(tools.get("create_context").annotations().idempotentHint());
            tools.values().forEach(tool -> {
                assertNotNull(tool.title(), tool.name());
                assertNotNull(tool.outputSchema(), tool.name());
                assertEquals(false, tool.inputSchema().get("additionalProperties"), tool.name());
            });

            JsonNode context =
                    call(client, "create_context", Map.of("name", "mcp-notes")).path("context");
            String contextId = context.path("id").asText();
            assertEquals("manage", context.path("access").asText(), context.toString());

            Map<String, Object> memory = new LinkedHashMap<>();
            memory.put("contextId", contextId);
            memory.put("content", "The deploy key of the billing cluster rotates every Friday at noon");
            memory.put("kind", "fact");
            memory.put("key", "deploy-key-rotation");
            memory.put("metadata", Map.of("team", "ops"));
            memory.put("occurredAt", "2026-03-02T10:00:00Z");
            JsonNode written = call(client, "remember", memory);
            assertTrue(written.path("created").asBoolean(), written.toString());
            String memoryId = written.path("memory").path("id").asText();
            // The same memory again is answered with the one already there: remember is idempotent.
            assertFalse(call(client, "remember", memory).path("created").asBoolean());
            client.callTool(new McpSchema.CallToolRequest(
                    "remember",
                    Map.of(
                            "contextId",
                            contextId,
                            "content",
                            "Lunch on Friday was pizza",
                            "kind",
                            "note",
                            "occurredAt",
                            "2026-05-08T12:00:00Z")));

            Map<String, Object> filters = Map.of(
                    "kind",
                    "fact",
                    "metadata",
                    Map.of("team", "ops"),
                    "occurredAfter",
                    "2026-03-01T00:00:00Z",
                    "occurredBefore",
                    "2026-03-03T00:00:00Z");
            for (String mode : List.of("lexical", "hybrid")) {
                JsonNode found = call(
                        client,
                        "recall",
                        Map.of(
                                "contextId",
                                contextId,
                                "query",
                                "when does the deploy key rotate",
                                "mode",
                                mode,
                                "scope",
                                "context",
                                "k",
                                5,
                                "filters",
                                filters));
                assertEquals(mode, found.path("mode").asText());
                assertEquals(1, found.path("results").size(), found.toString());
                assertEquals(
                        memoryId,
                        found.path("results").path(0).path("memory").path("id").asText(),
                        found.toString());
            }
            JsonNode before = call(
                    client,
                    "recall",
                    Map.of(
                            "contextId",
                            contextId,
                            "query",
                            "deploy key",
                            "mode",
                            "lexical",
                            "filters",
                            Map.of("occurredBefore", "2026-03-01T00:00:00Z")));
            assertEquals(0, before.path("results").size(), "occurredBefore excludes it: " + before);

            JsonNode read = call(client, "read_memory", Map.of("contextId", contextId, "memoryId", memoryId));
            assertEquals(
                    memory.get("content"), read.path("memory").path("content").asText());
            assertEquals(0, read.path("memory").path("depth").asInt());

            JsonNode listed = call(client, "list_contexts", Map.of("size", 200));
            assertTrue(listed.path("items").findValuesAsText("id").contains(contextId), listed.toString());

            JsonNode forgotten = call(client, "forget", Map.of("contextId", contextId, "memoryId", memoryId));
            assertTrue(forgotten.path("deleted").asBoolean());
            McpSchema.CallToolResult gone = client.callTool(
                    new McpSchema.CallToolRequest("read_memory", Map.of("contextId", contextId, "memoryId", memoryId)));
            assertTrue(gone.isError(), "a forgotten memory is not found: " + gone);
            assertTrue(text(gone).contains(memoryId), text(gone));
        }
    }

    @Test
    void aTokenWithoutWriteSeesAndCallsOnlyTheReadingTools() {
        String contextId = MemoryApi.agent("mcp-owner").createContext("mcp-owned", null);
        try (McpSyncClient reader = client(TestTokens.agent("mcp-reader", "memory:read"))) {
            reader.initialize();
            assertEquals(
                    List.of("recall", "read_memory", "list_contexts"),
                    List.copyOf(tools(reader).keySet()));
            McpSchema.CallToolResult refused = reader.callTool(
                    new McpSchema.CallToolRequest("remember", Map.of("contextId", contextId, "content", "sneaky")));
            assertTrue(refused.isError(), refused.toString());
            assertTrue(text(refused).contains("memory:write"), text(refused));
            // Someone else's context: found by nobody but its owner and those it is shared with.
            McpSchema.CallToolResult hidden = reader.callTool(
                    new McpSchema.CallToolRequest("recall", Map.of("contextId", contextId, "query", "anything")));
            assertTrue(hidden.isError(), hidden.toString());
        }
        // A token granted one other context may not recall from this one.
        String elsewhere = "00000000-0000-4000-8000-000000000001";
        try (McpSyncClient narrow = client(TestTokens.agent("mcp-narrow", "memory:read:" + elsewhere))) {
            narrow.initialize();
            McpSchema.CallToolResult refused = narrow.callTool(
                    new McpSchema.CallToolRequest("recall", Map.of("contextId", contextId, "query", "anything")));
            assertTrue(refused.isError(), refused.toString());
            assertTrue(text(refused).contains("memory:read:" + contextId), text(refused));
        }
        try (McpSyncClient nothing = client(TestTokens.agent("mcp-none", "tools:read"))) {
            nothing.initialize();
            assertTrue(nothing.listTools().tools().isEmpty());
        }
    }

    @Test
    void badArgumentsAreToolErrorsNamingTheFieldAndAnUnknownToolIsInvalidParams() {
        try (McpSyncClient client = client(TestTokens.agent("mcp-careless", READ_WRITE))) {
            client.initialize();
            String contextId = call(client, "create_context", Map.of("name", "mcp-careless"))
                    .path("context")
                    .path("id")
                    .asText();
            assertInvalid(
                    client, "recall", Map.of("contextId", contextId, "query", "x", "mode", "fuzzy"), "arguments.mode");
            assertInvalid(client, "recall", Map.of("contextId", contextId, "query", "x", "k", 0), "arguments.k");
            assertInvalid(
                    client,
                    "recall",
                    Map.of("contextId", contextId, "query", "x", "filters", Map.of("occurredAfter", "last tuesday")),
                    "arguments.filters.occurredAfter");
            assertInvalid(client, "remember", Map.of("contextId", contextId), "arguments.content");
            assertInvalid(client, "remember", Map.of("contextId", "not-a-uuid", "content", "x"), "arguments.contextId");
            assertInvalid(
                    client,
                    "remember",
                    Map.of("contextId", contextId, "content", "x", "colour", "red"),
                    "arguments.colour");
            assertInvalid(
                    client,
                    "remember",
                    Map.of("contextId", contextId, "content", "x", "importance", 7),
                    "arguments.importance");
            assertInvalid(client, "list_contexts", Map.of("size", 0), "arguments.size");
            McpError unknown = assertThrows(
                    McpError.class, () -> client.callTool(new McpSchema.CallToolRequest("no_such_tool", Map.of())));
            assertEquals(-32602, unknown.getJsonRpcError().code());
        }
    }

    /** The stateless revision: no initialize, server/discover, every request on its own. */
    @Test
    void theStatelessClientDiscoversListsAndCalls() {
        String token = TestTokens.agent("mcp-stateless", READ_WRITE);
        MemoryApi api = MemoryApi.withToken(token);
        String contextId = api.createContext("mcp-stateless", null);
        api.write(contextId, Map.of("content", "Stateless clients need no session", "kind", "fact"));
        var transport = HttpClientMcpTransport.builder(mcp.toString())
                .requestCustomizer(McpHttpRequestCustomizer.fromSync(
                        (request, headers, context) -> headers.set("Authorization", "Bearer " + token)))
                .build();
        var client = io.modelcontextprotocol.modern.client.McpClient.sync(transport)
                .callTimeout(Duration.ofSeconds(30))
                .build();
        var discovered = client.discover();
        assertTrue(discovered.supportedVersions().contains("2026-07-28"), discovered.toString());
        var listed = client.tools().list();
        assertEquals(6, listed.tools().size(), listed.toString());
        var result = client.tool("recall")
                .arguments(Map.of("contextId", contextId, "query", "stateless session", "mode", "lexical"))
                .call();
        assertFalse(Boolean.TRUE.equals(result.isError()), result.toString());
        JsonNode structured = JSON.valueToTree(result.structuredContent());
        assertEquals(
                "Stateless clients need no session",
                structured
                        .path("results")
                        .path(0)
                        .path("memory")
                        .path("content")
                        .asText(),
                structured.toString());
    }

    @Test
    void contextsAndMemoriesAreResourcesTheOwnerCanReadAndOthersCannot() {
        MemoryApi owner = MemoryApi.withToken(TestTokens.agent("mcp-resource-owner", READ_WRITE));
        String parent = owner.createContext("mcp-resource-parent", null);
        String child = owner.createContext("mcp-resource-child", parent);
        String inherited = owner.write(parent, Map.of("content", "Inherited: the office is closed on Mondays"));
        try (McpSyncClient client = client(TestTokens.agent("mcp-resource-owner", READ_WRITE))) {
            client.initialize();
            List<String> uris = client.listResources().resources().stream()
                    .map(McpSchema.Resource::uri)
                    .toList();
            assertTrue(uris.contains("memory://contexts/" + child), uris.toString());
            assertTrue(uris.contains("memory://contexts/" + parent), uris.toString());
            List<String> templates = client.listResourceTemplates().resourceTemplates().stream()
                    .map(McpSchema.ResourceTemplate::uriTemplate)
                    .toList();
            assertEquals(
                    List.of("memory://contexts/{contextId}", "memory://contexts/{contextId}/memories/{memoryId}"),
                    templates);

            JsonNode context = resource(client, "memory://contexts/" + child);
            assertEquals(
                    "mcp-resource-child", context.path("context").path("name").asText(), context.toString());
            assertEquals(
                    inherited,
                    context.path("memories").path(0).path("id").asText(),
                    "a child sees its parent's memories");
            JsonNode memory = resource(client, "memory://contexts/" + child + "/memories/" + inherited);
            assertEquals(1, memory.path("depth").asInt(), memory.toString());

            McpError malformed = assertThrows(
                    McpError.class,
                    () -> client.readResource(new McpSchema.ReadResourceRequest("memory://somewhere/else")));
            assertEquals(-32602, malformed.getJsonRpcError().code());
            assertEquals(
                    "memory://somewhere/else",
                    JSON.valueToTree(malformed.getJsonRpcError().data())
                            .path("uri")
                            .asText(),
                    "the error names the uri (SEP-2164): " + malformed.getJsonRpcError());
        }
        try (McpSyncClient stranger = client(TestTokens.agent("mcp-resource-stranger", READ_WRITE))) {
            stranger.initialize();
            McpError hidden = assertThrows(
                    McpError.class,
                    () -> stranger.readResource(new McpSchema.ReadResourceRequest("memory://contexts/" + child)));
            assertEquals(-32002, hidden.getJsonRpcError().code(), "another's context is not found");
            assertFalse(stranger.listResources().resources().stream()
                    .anyMatch(r -> r.uri().contains(child)));
        }
    }

    private static JsonNode resource(McpSyncClient client, String uri) {
        McpSchema.ReadResourceResult read = client.readResource(new McpSchema.ReadResourceRequest(uri));
        McpSchema.TextResourceContents contents =
                (McpSchema.TextResourceContents) read.contents().get(0);
        assertEquals(uri, contents.uri());
        assertEquals("application/json", contents.mimeType());
        try {
            return JSON.readTree(contents.text());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private McpSyncClient client(String token) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(root.toString())
                .endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
    }

    private static Map<String, McpSchema.Tool> tools(McpSyncClient client) {
        return client.listTools().tools().stream()
                .collect(Collectors.toMap(McpSchema.Tool::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }

    /** A successful call's structured content. */
    private static JsonNode call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
        assertFalse(Boolean.TRUE.equals(result.isError()), tool + ": " + result);
        assertNotNull(result.structuredContent(), tool + ": " + result);
        return JSON.valueToTree(result.structuredContent());
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    /** SEP-1303, as the registry answers: a tool result with isError that names the field, so the model can fix it. */
    private static void assertInvalid(McpSyncClient client, String tool, Map<String, Object> arguments, String field) {
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
        assertTrue(Boolean.TRUE.equals(result.isError()), tool + " " + arguments + ": " + result);
        assertTrue(text(result).contains(field), field + " in: " + text(result));
    }
}
