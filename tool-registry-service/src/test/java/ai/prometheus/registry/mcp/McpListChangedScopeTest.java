package ai.prometheus.registry.mcp;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.registry.discovery.Discovery;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.Permission;
import ai.prometheus.shared.security.PrincipalKind;
import ai.prometheus.shared.testing.McpHttp;
import ai.prometheus.shared.testing.SseClient;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** notifications/tools/list_changed reaches only the sessions whose token may call a changed tool. */
@QuarkusTest
class McpListChangedScopeTest {

    private static final String PREFIX = "mcp_seen_";
    /** A bound on a hang, not a timing assertion: each notification follows a commit. */
    private static final Duration HANG = Duration.ofSeconds(60);

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
        try (SseClient stream = McpHttp.as(token).stream(mcp)) {
            RegistryFixtures.registerWeatherTool("mcp-owner", "mcp_seen");
            assertNotNull(
                    stream.next(event -> event.data().contains("notifications/tools/list_changed"), HANG),
                    stream.seen().toString());
        }
    }

    /** 2026-07-28: the same notification on a subscriptions/listen stream, after its acknowledgement. */
    @Test
    void aListenStreamIsAcknowledgedThenHearsOfAToolItMayCallTaggedWithItsSubscription() throws Exception {
        String token = TestTokens.agent("mcp-scoped", "tools:read tools:invoke:" + PREFIX + "*");
        Map<String, Object> notifications = Map.of("toolsListChanged", true, "promptsListChanged", true);
        try (SseClient stream = McpHttp.as(token).listen(mcp, "sub-7", notifications)) {
            assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
            SseClient.Event ack = stream.next(HANG);
            assertNotNull(ack, "the acknowledgement");
            assertTrue(ack.data().contains("notifications/subscriptions/acknowledged"), ack.data());
            assertTrue(
                    ack.data().contains("\"toolsListChanged\":true")
                            && !ack.data().contains("promptsListChanged"),
                    "only what the registry honours is acknowledged: " + ack.data());
            assertTrue(ack.data().contains("\"io.modelcontextprotocol/subscriptionId\":\"sub-7\""), ack.data());
            RegistryFixtures.registerWeatherTool("mcp-owner", "mcp_seen");
            SseClient.Event changed = stream.next(HANG);
            assertNotNull(changed, "the notification after the acknowledgement");
            assertTrue(
                    changed.data().contains("notifications/tools/list_changed")
                            && changed.data().contains("sub-7"),
                    changed.data());
        }

        // Without the routing header the message cannot be answered as a stream: a clear error
        // (2026-07-28 requires the header on every request: a header mismatch, a 400).
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .header("MCP-Protocol-Version", "2026-07-28")
                .body(McpHttp.listenRequest("sub-7", notifications))
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
