package ai.prometheus.memory.mcp;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
    // HTTP/1.1: the JDK client would otherwise try an h2c upgrade, which ends an event stream.
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/mcp")
    URL mcp;

    @Test
    void aSubscribedSessionHearsOfAMemoryWrittenInTheContextsParentAndAStrangerCannotSubscribe() throws Exception {
        String token = TestTokens.agent("mcp-subscriber", READ_WRITE);
        MemoryApi owner = MemoryApi.withToken(token);
        String parent = owner.createContext("mcp-sub-parent", null);
        String child = owner.createContext("mcp-sub-child", parent);
        String uri = "memory://contexts/" + child;

        String session = given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(Map.of(
                        "jsonrpc",
                        "2.0",
                        "id",
                        0,
                        "method",
                        "initialize",
                        "params",
                        Map.of(
                                "protocolVersion",
                                "2025-11-25",
                                "capabilities",
                                Map.of(),
                                "clientInfo",
                                Map.of("name", "t", "version", "1"))))
                .when()
                .post("/mcp")
                .then()
                .statusCode(200)
                .body("result.capabilities.resources.subscribe", org.hamcrest.Matchers.equalTo(true))
                .extract()
                .header("Mcp-Session-Id");
        JsonNode subscribed = rpc(token, session, "resources/subscribe", Map.of("uri", uri));
        assertTrue(subscribed.has("result"), subscribed.toString());

        String stranger = TestTokens.agent("mcp-sub-stranger", READ_WRITE);
        JsonNode refused = rpc(stranger, "stranger-session", "resources/subscribe", Map.of("uri", uri));
        assertEquals(-32002, refused.path("error").path("code").asInt(), "another's context is not found: " + refused);

        HttpResponse<Stream<String>> stream = http.send(
                HttpRequest.newBuilder(URI.create(mcp.toString()))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "text/event-stream")
                        .header("Mcp-Session-Id", session)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        Iterator<String> data =
                stream.body().filter(line -> line.startsWith("data:")).iterator();
        CompletableFuture<String> heard = CompletableFuture.supplyAsync(data::next);
        owner.write(parent, Map.of("content", "The child sees this too", "kind", "fact"));
        // A bound on a hang, not a timing assertion: the notification follows the commit.
        String updated = heard.get(60, TimeUnit.SECONDS);
        assertTrue(updated.contains("notifications/resources/updated") && updated.contains(uri), updated);
        stream.body().close();
    }

    @Test
    void aListenStreamAcknowledgesMemoryResourcesAndTagsTheirUpdates() throws Exception {
        String token = TestTokens.agent("mcp-listener", READ_WRITE);
        MemoryApi owner = MemoryApi.withToken(token);
        String context = owner.createContext("mcp-listen", null);
        String uri = "memory://contexts/" + context;
        String listen = JSON.writeValueAsString(Map.of(
                "jsonrpc",
                "2.0",
                "id",
                12,
                "method",
                "subscriptions/listen",
                "params",
                Map.of(
                        "_meta",
                        Map.of("io.modelcontextprotocol/protocolVersion", "2026-07-28"),
                        "notifications",
                        Map.of(
                                "resourceSubscriptions",
                                java.util.List.of(uri, "file:///elsewhere"),
                                "toolsListChanged",
                                true))));
        HttpResponse<Stream<String>> stream = http.send(
                HttpRequest.newBuilder(URI.create(mcp.toString()))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/json, text/event-stream")
                        .header("Content-Type", "application/json")
                        .header("Mcp-Method", "subscriptions/listen")
                        .header("MCP-Protocol-Version", "2026-07-28")
                        .POST(HttpRequest.BodyPublishers.ofString(listen))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        Iterator<String> data =
                stream.body().filter(line -> line.startsWith("data:")).iterator();
        JsonNode ack = JSON.readTree(data.next().substring("data:".length()));
        assertEquals(
                "notifications/subscriptions/acknowledged", ack.path("method").asText(), ack.toString());
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

        CompletableFuture<String> heard = CompletableFuture.supplyAsync(data::next);
        owner.write(context, Map.of("content", "Listen streams hear this", "kind", "fact"));
        JsonNode updated = JSON.readTree(heard.get(60, TimeUnit.SECONDS).substring("data:".length()));
        assertEquals("notifications/resources/updated", updated.path("method").asText(), updated.toString());
        assertEquals(uri, updated.path("params").path("uri").asText(), updated.toString());
        assertEquals(
                "12",
                updated.path("params")
                        .path("_meta")
                        .path("io.modelcontextprotocol/subscriptionId")
                        .asText());
        stream.body().close();
    }

    private static JsonNode rpc(String token, String session, String method, Map<String, Object> params)
            throws Exception {
        return JSON.readTree(given().auth()
                .oauth2(token)
                .contentType("application/json")
                .accept("application/json")
                .header("Mcp-Session-Id", session)
                .body(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params))
                .when()
                .post("/mcp")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }
}
