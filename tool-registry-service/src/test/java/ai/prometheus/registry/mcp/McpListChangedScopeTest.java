package ai.prometheus.registry.mcp;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.registry.discovery.Discovery;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.Permission;
import ai.prometheus.shared.security.PrincipalKind;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** notifications/tools/list_changed reaches only the sessions whose token may call a changed tool. */
@QuarkusTest
class McpListChangedScopeTest {

    private static final String PREFIX = "mcp_seen_";

    @Inject
    Discovery discovery;

    @TestHTTPResource("/mcp")
    URL mcp;

    private final Caller scoped = new Caller(
            "mcp-scoped",
            PrincipalKind.AGENT,
            Set.of(),
            Set.of(Permission.parse("tools:read"), Permission.parse("tools:invoke:" + PREFIX + "*")));

    @Test
    void aChangeConcernsOnlyCallersWhoMayInvokeTheToolWhateverItsStatus() {
        String hidden = RegistryFixtures.registerWeatherTool("mcp-owner", "mcp_hidden");
        String seen = RegistryFixtures.registerWeatherTool("mcp-owner", "mcp_seen");
        String privateOne = RegistryFixtures.uniqueName("mcp_seen_private");
        Map<String, Object> definition = new HashMap<>(
                RegistryFixtures.definition(privateOne, "private", List.of(), RegistryFixtures.ECHO_PYTHON));
        definition.put(
                "permissions",
                Map.of("read", List.of("*"), "invoke", List.of("subject:someone-else"), "manage", List.of()));
        RegistryFixtures.register(RegistryFixtures.developer("mcp-owner"), definition)
                .statusCode(201);

        assertFalse(mayInvokeAny(hidden), "the token's grants do not cover " + hidden);
        assertFalse(mayInvokeAny(privateOne), "the tool's ACL does not list the caller");
        assertTrue(mayInvokeAny(hidden, seen));

        given().auth()
                .oauth2(RegistryFixtures.developer("mcp-owner"))
                .when()
                .delete("/api/v1/tools/" + seen)
                .then()
                .statusCode(204);
        assertTrue(mayInvokeAny(seen), "a tool that just went away still changes the caller's list");
    }

    @Test
    void aScopedSessionHearsOfAToolItMayCall() throws Exception {
        String token = TestTokens.agent("mcp-scoped", "tools:read tools:invoke:" + PREFIX + "*");
        // HTTP/1.1: the JDK client would otherwise try an h2c upgrade, which ends the event stream.
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<Stream<String>> stream = client.send(
                HttpRequest.newBuilder(URI.create(mcp.toString()))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "text/event-stream")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        CompletableFuture<String> heard = CompletableFuture.supplyAsync(() -> stream.body()
                .filter(line -> line.contains("notifications/tools/list_changed"))
                .findFirst()
                .orElse(""));
        RegistryFixtures.registerWeatherTool("mcp-owner", "mcp_seen");
        // A bound on a hang, not a timing assertion: the notification follows the commit.
        assertTrue(heard.get(60, TimeUnit.SECONDS).contains("list_changed"));
        stream.body().close();
    }

    /** 2026-07-28: the same notification on a subscriptions/listen stream, after its acknowledgement. */
    @Test
    void aListenStreamIsAcknowledgedThenHearsOfAToolItMayCallTaggedWithItsSubscription() throws Exception {
        String token = TestTokens.agent("mcp-scoped", "tools:read tools:invoke:" + PREFIX + "*");
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String listen = "{\"jsonrpc\":\"2.0\",\"id\":\"sub-7\",\"method\":\"subscriptions/listen\",\"params\":{"
                + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"},"
                + "\"notifications\":{\"toolsListChanged\":true,\"promptsListChanged\":true}}}";
        HttpResponse<Stream<String>> stream = client.send(
                HttpRequest.newBuilder(URI.create(mcp.toString()))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/json, text/event-stream")
                        .header("Content-Type", "application/json")
                        .header("Mcp-Method", "subscriptions/listen")
                        .header("MCP-Protocol-Version", "2026-07-28")
                        .POST(HttpRequest.BodyPublishers.ofString(listen))
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertTrue(
                stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                stream.toString());
        var lines = stream.body().filter(line -> line.startsWith("data:")).iterator();
        String ack = lines.next();
        assertTrue(ack.contains("notifications/subscriptions/acknowledged"), ack);
        assertTrue(
                ack.contains("\"toolsListChanged\":true") && !ack.contains("promptsListChanged"),
                "only what the registry honours is acknowledged: " + ack);
        assertTrue(ack.contains("\"io.modelcontextprotocol/subscriptionId\":\"sub-7\""), ack);
        CompletableFuture<String> heard = CompletableFuture.supplyAsync(lines::next);
        RegistryFixtures.registerWeatherTool("mcp-owner", "mcp_seen");
        String changed = heard.get(60, TimeUnit.SECONDS);
        assertTrue(changed.contains("notifications/tools/list_changed") && changed.contains("sub-7"), changed);
        stream.body().close();

        // Without the routing header the message cannot be answered as a stream: a clear error
        // (2026-07-28 requires the header on every request: a header mismatch, a 400).
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .header("MCP-Protocol-Version", "2026-07-28")
                .body(listen)
                .when()
                .post("/mcp")
                .then()
                .statusCode(400)
                .body("error.code", org.hamcrest.Matchers.equalTo(-32020))
                .body("error.message", org.hamcrest.Matchers.containsString("Mcp-Method"));
    }

    private boolean mayInvokeAny(String... names) {
        return discovery.mayInvokeAny(scoped, List.of(names)).await().indefinitely();
    }
}
