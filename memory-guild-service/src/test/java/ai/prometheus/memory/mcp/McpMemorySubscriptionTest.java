package ai.prometheus.memory.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.McpHttp;
import ai.prometheus.shared.testing.SseClient;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Contexts as subscribable MCP resources: a memory written in a context (or an ancestor) updates
 * the context's resource, announced to the sessions (2025-11-25: resources/subscribe and the GET
 * stream) and listen streams (2026-07-28) whose token may read it.
 */
@QuarkusTest
class McpMemorySubscriptionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READ_WRITE = "memory:read memory:write";
    /** A bound on a hang, not a timing assertion: each notification follows a commit. */
    private static final Duration HANG = Duration.ofSeconds(60);

    @TestHTTPResource("/mcp")
    URL mcp;

    @Test
    void aSubscribedSessionHearsOfAMemoryWrittenInTheContextsParentAndAStrangerCannotSubscribe() throws Exception {
        String token = TestTokens.agent("mcp-subscriber", READ_WRITE);
        MemoryApi owner = MemoryApi.withToken(token);
        String parent = owner.createContext("mcp-sub-parent", null);
        String child = owner.createContext("mcp-sub-child", parent);
        String uri = "memory://contexts/" + child;

        McpHttp client = McpHttp.as(token);
        String session = client.post("initialize", McpHttp.initializeParams("2025-11-25"))
                .then()
                .statusCode(200)
                .body("result.capabilities.resources.subscribe", org.hamcrest.Matchers.equalTo(true))
                .extract()
                .header("Mcp-Session-Id");
        JsonNode subscribed = client.inSession(session).rpc("resources/subscribe", Map.of("uri", uri));
        assertTrue(subscribed.has("result"), subscribed.toString());

        String stranger = TestTokens.agent("mcp-sub-stranger", READ_WRITE);
        JsonNode refused =
                McpHttp.as(stranger).inSession("stranger-session").rpc("resources/subscribe", Map.of("uri", uri));
        assertEquals(-32002, refused.path("error").path("code").asInt(), "another's context is not found: " + refused);

        try (SseClient stream = client.inSession(session).stream(mcp)) {
            owner.write(parent, Map.of("content", "The child sees this too", "kind", "fact"));
            SseClient.Event updated = stream.next(HANG);
            assertNotNull(updated, "the update of " + uri);
            assertTrue(
                    updated.data().contains("notifications/resources/updated")
                            && updated.data().contains(uri),
                    updated.data());
        }
    }

    @Test
    void aListenStreamAcknowledgesMemoryResourcesAndTagsTheirUpdates() throws Exception {
        String token = TestTokens.agent("mcp-listener", READ_WRITE);
        MemoryApi owner = MemoryApi.withToken(token);
        String context = owner.createContext("mcp-listen", null);
        String uri = "memory://contexts/" + context;
        Map<String, Object> notifications =
                Map.of("resourceSubscriptions", List.of(uri, "file:///elsewhere"), "toolsListChanged", true);
        try (SseClient stream = McpHttp.as(token).listen(mcp, 12, notifications)) {
            SseClient.Event first = stream.next(HANG);
            assertNotNull(first, "the acknowledgement");
            JsonNode ack = JSON.readTree(first.data());
            assertEquals(
                    "notifications/subscriptions/acknowledged",
                    ack.path("method").asText(),
                    ack.toString());
            assertEquals(
                    JSON.readTree("[\"" + uri + "\"]"),
                    ack.path("params").path("notifications").path("resourceSubscriptions"),
                    "only memory resources are acknowledged, and no tool list changes: " + ack);
            assertEquals(
                    "12",
                    ack.path("params")
                            .path("_meta")
                            .path("io.modelcontextprotocol/subscriptionId")
                            .asText(),
                    ack.toString());

            owner.write(context, Map.of("content", "Listen streams hear this", "kind", "fact"));
            SseClient.Event next = stream.next(HANG);
            assertNotNull(next, "the update of " + uri);
            JsonNode updated = JSON.readTree(next.data());
            assertEquals(
                    "notifications/resources/updated", updated.path("method").asText(), updated.toString());
            assertEquals(uri, updated.path("params").path("uri").asText(), updated.toString());
            assertEquals(
                    "12",
                    updated.path("params")
                            .path("_meta")
                            .path("io.modelcontextprotocol/subscriptionId")
                            .asText());
        }
    }
}
