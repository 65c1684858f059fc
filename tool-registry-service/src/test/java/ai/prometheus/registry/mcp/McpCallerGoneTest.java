package ai.prometheus.registry.mcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.platform.mcp.McpTransport;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.RawHttp;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.net.Socket;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * An MCP host that abandons a synchronous tools/call (closes the connection, which is how a
 * 2026-07-28 client cancels) stops the tool's run in the sandbox, and the invocation is recorded
 * CANCELLED and audited rather than left unrecorded or counted as the tool's failure. The client
 * is a raw socket, so closing it is exactly a TCP close.
 */
@QuarkusTest
class McpCallerGoneTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reports progress, then sleeps far longer than the bounds below allow for a run nobody stopped. */
    private static final String SLEEPER = String.join(
            "\n",
            "import json, sys, time",
            "print('::prometheus:: ' + json.dumps({'progress': 1, 'message': 'sleeping'}), file=sys.stderr, flush=True)",
            "time.sleep(50)",
            "print('woke up')");

    /** Where the registry's replicas pass on cancellations (the registry's schema is tool_registry). */
    private static final String RELAY_CHANNEL = "mcp_cancelled_tool_registry";

    @TestHTTPResource("/mcp")
    URL mcp;

    @Test
    void aStreamedToolCallWhoseClientDisconnectsStopsItsRunAndIsRecordedCancelled() throws Exception {
        String subject = "gone-sse-" + UUID.randomUUID();
        String tool = register("gone_sse");
        try (Socket client = call(subject, tool, "application/json, text/event-stream")) {
            RawHttp.awaitLine(
                    RawHttp.lines(client), line -> line.contains("notifications/progress"), "the tool's progress");
            assertEquals("RUNNING", sandboxRun(subject).get(0), "the progress came while the run went on");
        }
        assertStoppedAndRecordedCancelled(subject);
    }

    @Test
    void aPlainToolCallWhoseClientDisconnectsStopsItsRunAndIsRecordedCancelled() throws Exception {
        String subject = "gone-json-" + UUID.randomUUID();
        String tool = register("gone_json");
        try (Socket client = call(subject, tool, "application/json")) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "RUNNING".equals(sandboxRun(subject).get(0)));
            // In its sandbox and asleep: the kill of a running program is under test.
            Thread.sleep(1500);
        }
        assertStoppedAndRecordedCancelled(subject);
    }

    @Test
    void notificationsCancelledForARequestInFlightStopsItsRunAndItGetsNoResponse() throws Exception {
        String subject = "gone-notified-" + UUID.randomUUID();
        String tool = register("gone_notified");
        String session = UUID.randomUUID().toString();
        try (Socket client = call(subject, tool, "application/json, text/event-stream", session)) {
            BufferedReader reader = RawHttp.lines(client);
            RawHttp.awaitLine(reader, line -> line.contains("notifications/progress"), "the tool's progress");

            // Another session's notification, and one for an unknown request, are ignored.
            notifyCancelled(subject, UUID.randomUUID().toString(), 3).statusCode(202);
            notifyCancelled(subject, session, 99).statusCode(202);
            assertEquals("RUNNING", sandboxRun(subject).get(0));

            notifyCancelled(subject, session, 3).statusCode(202);
            assertStoppedAndRecordedCancelled(subject);
            // The stream ends without a response to the cancelled request.
            StringBuilder rest = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null && !line.equals("0")) {
                rest.append(line).append('\n');
            }
            assertTrue(!rest.toString().contains("\"result\""), rest.toString());
        }
    }

    /**
     * Any replica may take a session's notification: one that does not hold the request tells the
     * others on the channel below. Here the request is held by this replica and the cancellation
     * arrives as another replica relays it.
     */
    @Test
    void aCancellationRelayedByAnotherReplicaStopsTheRequestHeldHere() throws Exception {
        String subject = "gone-relayed-" + UUID.randomUUID();
        String tool = register("gone_relayed");
        String session = UUID.randomUUID().toString();
        try (Socket client = call(subject, tool, "application/json, text/event-stream", session)) {
            BufferedReader reader = RawHttp.lines(client);
            RawHttp.awaitLine(reader, line -> line.contains("notifications/progress"), "the tool's progress");
            // Another subject's relayed cancel for the same session and id stops nothing.
            relay(Map.of("subject", "someone-else", "session", session, "requestId", 3));
            Thread.sleep(500);
            assertEquals("RUNNING", sandboxRun(subject).get(0));

            relay(Map.of("subject", subject, "session", session, "requestId", 3));
            assertStoppedAndRecordedCancelled(subject);
        }
    }

    /** A notification for a request this replica does not hold is passed on to the other replicas. */
    @Test
    void aCancellationForARequestHeldElsewhereIsRelayedToTheOtherReplicas() throws Exception {
        String subject = "gone-elsewhere-" + UUID.randomUUID();
        String session = UUID.randomUUID().toString();
        try (Connection db = Engines.jdbc()) {
            try (Statement listen = db.createStatement()) {
                listen.execute("listen " + RELAY_CHANNEL);
            }
            notifyCancelled(subject, session, 77).statusCode(202);
            PGConnection pg = db.unwrap(PGConnection.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            JsonNode relayed = null;
            while (relayed == null && System.nanoTime() < deadline) {
                PGNotification[] notifications = pg.getNotifications(500);
                for (PGNotification notification : notifications == null ? new PGNotification[0] : notifications) {
                    JsonNode payload = JSON.readTree(notification.getParameter());
                    if (subject.equals(payload.path("subject").asText())) {
                        relayed = payload;
                    }
                }
            }
            assertNotNull(relayed, "the cancellation was relayed on " + RELAY_CHANNEL);
            assertEquals(session, relayed.path("session").asText(), relayed.toString());
            assertEquals(77, relayed.path("requestId").asInt(), relayed.toString());
        }
    }

    private static void relay(Map<String, Object> cancellation) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement notify = db.prepareStatement("select pg_notify(?, ?)")) {
            notify.setString(1, RELAY_CHANNEL);
            notify.setString(2, JSON.writeValueAsString(cancellation));
            notify.execute();
        }
    }

    private static io.restassured.response.ValidatableResponse notifyCancelled(
            String subject, String session, int requestId) {
        return io.restassured.RestAssured.given()
                .auth()
                .oauth2(TestTokens.agent(subject, "tools:read tools:invoke"))
                .contentType("application/json")
                .accept("application/json, text/event-stream")
                .header(McpTransport.PROTOCOL_VERSION_HEADER, "2025-11-25")
                .header(McpTransport.SESSION_HEADER, session)
                .body(Map.of(
                        "jsonrpc",
                        "2.0",
                        "method",
                        "notifications/cancelled",
                        "params",
                        Map.of("requestId", requestId, "reason", "no longer needed")))
                .when()
                .post("/mcp")
                .then();
    }

    private static void assertStoppedAndRecordedCancelled(String subject) throws Exception {
        // Far sooner than its 50 seconds of sleep.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !"RUNNING".equals(sandboxRun(subject).get(0)));
        List<String> run = sandboxRun(subject);
        assertEquals("CANCELLED", run.get(0), "the sandbox stopped the run: " + run);
        UUID invocation = UUID.fromString(run.get(1));

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> invocationRow(invocation) != null);
        List<String> recorded = invocationRow(invocation);
        assertEquals("CANCELLED", recorded.get(0), "recorded as cancelled, not failed: " + recorded);
        assertEquals("CANCELLED", recorded.get(1), recorded.toString());
        assertEquals(1, cancelAudits(invocation), "the cancel is in the audit log");
    }

    private Socket call(String subject, String tool, String accept) throws Exception {
        return call(subject, tool, accept, null);
    }

    private Socket call(String subject, String tool, String accept, String session) throws Exception {
        String agent = TestTokens.agent(subject, "tools:read tools:invoke");
        byte[] body = JSON.writeValueAsBytes(Map.of(
                "jsonrpc",
                "2.0",
                "id",
                3,
                "method",
                "tools/call",
                "params",
                Map.of("name", tool, "arguments", Map.of(), "_meta", Map.of("progressToken", "gone-1"))));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + agent);
        headers.put("Accept", accept);
        headers.put(McpTransport.PROTOCOL_VERSION_HEADER, "2025-11-25");
        if (session != null) {
            headers.put(McpTransport.SESSION_HEADER, session);
        }
        return RawHttp.open(mcp, headers, body);
    }

    private static String register(String prefix) {
        return RegistryFixtures.registerPython(
                "gone-owner", prefix, RegistryFixtures.NO_ARGUMENTS, SLEEPER, Map.of("wallMs", 60_000));
    }

    /** The status and idempotency key (the registry's invocation id) of the sandbox's run for {@code subject}. */
    private static List<String> sandboxRun(String subject) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select status, idempotency_key from sandbox.executions where on_behalf_of = ?")) {
            query.setString(1, subject);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? List.of(rs.getString(1), rs.getString(2)) : java.util.Arrays.asList(null, null);
            }
        }
    }

    private static List<String> invocationRow(UUID id) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select status, sandbox_status from tool_registry.invocations where id = ?")) {
            query.setObject(1, id);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? List.of(rs.getString(1), rs.getString(2)) : null;
            }
        }
    }

    private static int cancelAudits(UUID id) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement("select count(*) from tool_registry.audit_log"
                        + " where action = 'tool.invoke.cancel' and details->>'invocation' = ?")) {
            query.setString(1, id.toString());
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
