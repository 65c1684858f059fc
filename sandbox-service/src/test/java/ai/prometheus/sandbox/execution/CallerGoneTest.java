package ai.prometheus.sandbox.execution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.RawHttp;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.Socket;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client of POST /api/v1/executions that closes its connection before the answer stops the
 * run: it is killed and stored CANCELLED, well before its wall limit. The client is a raw socket,
 * so closing it is exactly a TCP close, as a host that gives up does.
 */
@QuarkusTest
class CallerGoneTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A minute of sleep under a two-minute wall limit: only a kill ends it within the bounds below. */
    private static final String SLEEPER = String.join(
            "\n",
            "import json, sys, time",
            "print('::prometheus:: ' + json.dumps({'progress': 1, 'message': 'sleeping'}), file=sys.stderr, flush=True)",
            "time.sleep(60)",
            "print('woke up')");

    private static final Map<String, Object> LIMITS = Map.of("wallMs", 120_000, "cpuMs", 5_000);

    @TestHTTPResource("/api/v1/executions")
    URL executions;

    @Test
    void aStreamClosedWhileTheRunSleepsStopsTheRunAndItEndsCancelled() throws Exception {
        String key = "gone-stream-" + UUID.randomUUID();
        Instant closedAt;
        try (Socket client = post(key, "text/event-stream")) {
            RawHttp.awaitLine(RawHttp.lines(client), line -> line.startsWith("event:"), "its first event");
            assertEquals("RUNNING", statusOf(key));
            closedAt = Instant.now();
        }
        assertStoppedAndCancelled(key, closedAt);
    }

    @Test
    void aPlainCallWhoseClientGoesAwayStopsTheRunAndItEndsCancelled() throws Exception {
        String key = "gone-plain-" + UUID.randomUUID();
        Instant closedAt;
        try (Socket client = post(key, "application/json")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(statusOf(key)));
            // In its sandbox and asleep: the kill of a running program, not a refusal to start, is under test.
            Thread.sleep(1500);
            closedAt = Instant.now();
        }
        assertStoppedAndCancelled(key, closedAt);
    }

    private static void assertStoppedAndCancelled(String key, Instant closedAt) throws Exception {
        await().atMost(Duration.ofSeconds(40)).until(() -> !"RUNNING".equals(statusOf(key)));
        Duration took = Duration.between(closedAt, Instant.now());
        assertEquals("CANCELLED", statusOf(key), "stored as cancelled, not as a failure");
        assertTrue(took.compareTo(Duration.ofSeconds(40)) < 0, "stopped after " + took);
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select message, wall_ms from sandbox.executions where idempotency_key = ?")) {
            query.setString(1, key);
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next());
                assertTrue(rs.getString(1).contains("cancelled by its caller"), rs.getString(1));
                assertTrue(rs.getLong(2) < 50_000, "ran " + rs.getLong(2) + " ms of a 60 s sleep");
            }
        }
    }

    /** Sends the run over a raw HTTP/1.1 connection and leaves the answer unread. */
    private Socket post(String key, String accept) throws Exception {
        byte[] body = JSON.writeValueAsBytes(SandboxApi.body("python", SLEEPER, LIMITS));
        return RawHttp.open(
                executions,
                Map.of("Authorization", "Bearer " + SandboxApi.RUNNER, "Accept", accept, "Idempotency-Key", key),
                body);
    }

    private static String statusOf(String key) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select status from sandbox.executions where idempotency_key = ?")) {
            query.setString(1, key);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
