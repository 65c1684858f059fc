package ai.prometheus.sandbox.invocation;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.oneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Cancelling an asynchronous tool invocation's run: the request is stored, every replica hears of
 * it through PostgreSQL's notification, and the one running it (here, this instance) kills it.
 */
@QuarkusTest
class RunCancellationTest {

    /** The registry, as the sandbox sees it: the principal of every run it asked for over Kafka. */
    private static final String REGISTRY =
            TestTokens.withScope("tool-registry-service", "sandbox:execute sandbox:read");

    private final EventCodec codec = new EventCodec();

    @Test
    void aLongRunIsStoppedWellBeforeItsTimeoutAndEndsCancelledNotFailed() throws Exception {
        UUID invocationId = UUID.randomUUID();
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            send(
                    invocationId,
                    "import sys, time\nprint('started', file=sys.stderr, flush=True)\ntime.sleep(60)\nprint('finished')");
            awaitStatus(invocationId, "RUNNING");
            // Give it time to be in its sandbox, sleeping: the kill, not the not-yet-started path, is under test.
            Thread.sleep(1500);

            Instant cancelledAt = Instant.now();
            cancel(REGISTRY, invocationId)
                    .statusCode(202)
                    .body("invocationId", equalTo(invocationId.toString()))
                    .body("status", oneOf("CANCELLING", "CANCELLED"));

            CloudEvent event =
                    results.await(e -> ("invocations/" + invocationId).equals(e.subject()), Duration.ofSeconds(30));
            Duration took = Duration.between(cancelledAt, Instant.now());
            assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "stopped after " + took);
            assertEquals(EventTypes.TOOL_INVOCATION_FAILED, event.type());
            ToolInvocationFailed failed = codec.data(event, ToolInvocationFailed.class);
            assertEquals("CANCELLED", failed.status());
            assertFalse(failed.platformFault(), "a cancel is nobody's fault");
            // Killed in its sandbox, not refused before it started.
            assertTrue(failed.errorMessage().contains("every process of the run was killed"), failed.errorMessage());
            assertTrue(
                    failed.errorMessage().contains("\nstarted"), "its stderr so far is kept: " + failed.errorMessage());
            assertTrue(failed.usage().wallMs() < 30_000, "ran " + failed.usage().wallMs() + " ms");
        }
        assertEquals("CANCELLED", status(invocationId));

        // Repeating it changes nothing and answers how the run ended; one request is stored.
        cancel(REGISTRY, invocationId).statusCode(202).body("status", equalTo("CANCELLED"));
        assertEquals(1, storedRequests(invocationId));
    }

    @Test
    void cancellingTwiceWhileItRunsIsHarmless() throws Exception {
        UUID invocationId = UUID.randomUUID();
        send(invocationId, "sleep 60");
        awaitStatus(invocationId, "RUNNING");
        cancel(REGISTRY, invocationId).statusCode(202);
        cancel(REGISTRY, invocationId).statusCode(202).body("status", oneOf("CANCELLING", "CANCELLED"));
        awaitStatus(invocationId, "CANCELLED");
        assertEquals(1, storedRequests(invocationId));
    }

    @Test
    void aCancelThatComesBeforeTheRequestKeepsTheRunFromStarting() throws Exception {
        UUID invocationId = UUID.randomUUID();
        // Still queued (never received here): held for the registry, whose run it will be.
        cancel(REGISTRY, invocationId)
                .statusCode(202)
                .body("invocationId", equalTo(invocationId.toString()))
                .body("status", equalTo("CANCELLING"));
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            send(invocationId, "import time\ntime.sleep(60)\nprint('ran anyway')");
            CloudEvent event =
                    results.await(e -> ("invocations/" + invocationId).equals(e.subject()), Duration.ofSeconds(30));
            ToolInvocationFailed failed = codec.data(event, ToolInvocationFailed.class);
            assertEquals("CANCELLED", failed.status());
            assertFalse(failed.platformFault(), failed.errorMessage());
            assertTrue(failed.usage() == null || failed.usage().wallMs() < 30_000, failed.errorMessage());
        }
        assertEquals("CANCELLED", status(invocationId));
    }

    @Test
    void aStrangersHoldDoesNotStopSomeoneElsesRunNorBlockTheOwnersOwn() throws Exception {
        UUID invocationId = UUID.randomUUID();
        cancel(TestTokens.withScope("someone-else", "sandbox:execute"), invocationId)
                .statusCode(202)
                .body("status", equalTo("CANCELLING"));
        send(invocationId, "echo ran");
        awaitStatus(invocationId, "OK");

        UUID held = UUID.randomUUID();
        cancel(TestTokens.withScope("someone-else", "sandbox:execute"), held).statusCode(202);
        cancel(REGISTRY, held).statusCode(202);
        send(held, "sleep 60");
        awaitStatus(held, "CANCELLED");
    }

    @Test
    void anAdministratorsUnknownInvocationIsNotFoundAndAMalformedIdIsNamed() {
        // An administrator has no runs of their own for a hold to stop.
        cancel(TestTokens.admin(), UUID.randomUUID()).statusCode(404).contentType("application/problem+json");
        given().auth()
                .oauth2(REGISTRY)
                .post("/api/v1/executions/invocations/not-a-uuid/cancel")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("invocationId"));
    }

    @Test
    void onlyACallerWhoMayRunCodeAndOwnsTheRunMayCancelIt() throws Exception {
        UUID invocationId = UUID.randomUUID();
        send(invocationId, "sleep 60");
        awaitStatus(invocationId, "RUNNING");

        given().post("/api/v1/executions/invocations/" + invocationId + "/cancel")
                .then()
                .statusCode(401);
        cancel(TestTokens.withScope("tool-registry-service", "sandbox:read"), invocationId)
                .statusCode(403)
                .contentType("application/problem+json");
        // Someone else's run is not even found.
        cancel(TestTokens.withScope("someone-else", "sandbox:execute"), invocationId)
                .statusCode(404);
        assertEquals("RUNNING", status(invocationId));
        assertEquals(0, storedRequests(invocationId));

        cancel(TestTokens.admin(), invocationId).statusCode(202);
        awaitStatus(invocationId, "CANCELLED");
    }

    @Test
    void aRequestWhoseNotificationWasMissedStillStopsTheRun() throws Exception {
        UUID invocationId = UUID.randomUUID();
        send(invocationId, "sleep 60");
        awaitStatus(invocationId, "RUNNING");
        // Stored without its notification, as if every replica's listener had been reconnecting.
        try (Connection db = Engines.jdbc();
                java.sql.Statement statement = db.createStatement()) {
            statement.execute("alter table sandbox.run_cancellations disable trigger run_cancellations_requested");
            try {
                statement.execute("insert into sandbox.run_cancellations (invocation_id, requested_by, requested_at)"
                        + " values ('" + invocationId + "', 'tool-registry-service', now())");
            } finally {
                statement.execute("alter table sandbox.run_cancellations enable trigger run_cancellations_requested");
            }
        }
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !"RUNNING".equals(status(invocationId)));
        assertEquals("CANCELLED", status(invocationId));
    }

    @Test
    void oldRequestsAreDeletedOnSchedule() throws Exception {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        try (Connection db = Engines.jdbc();
                PreparedStatement insert = db.prepareStatement("insert into sandbox.run_cancellations"
                        + " (invocation_id, requested_by, requested_at) values (?, 'test', now() - ?::interval)")) {
            insert.setObject(1, old);
            insert.setString(2, "2 days");
            insert.executeUpdate();
            insert.setObject(1, recent);
            insert.setString(2, "1 minute");
            insert.executeUpdate();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> storedRequests(old) == 0);
        assertEquals(1, storedRequests(recent));
    }

    private void send(UUID invocationId, String code) {
        boolean python = code.startsWith("import");
        ToolInvocationRequested requested = new ToolInvocationRequested(
                invocationId,
                "sleeper",
                1,
                "fp-1",
                python ? "python" : "bash",
                code,
                JsonNodeFactory.instance.objectNode(),
                new ExecutionLimits(null, 90_000L, null, null, null, null),
                "agent-7",
                null,
                null,
                null,
                null);
        CloudEvent event = codec.create(
                "/tool-registry-service",
                EventTypes.TOOL_INVOCATION_REQUESTED,
                "invocations/" + invocationId,
                requested,
                null);
        KafkaProbe.send(InvocationConsumerTest.requests(), event.subject(), codec.encode(event));
    }

    private static io.restassured.response.ValidatableResponse cancel(String token, UUID invocationId) {
        return given().auth()
                .oauth2(token)
                .post("/api/v1/executions/invocations/" + invocationId + "/cancel")
                .then();
    }

    private static void awaitStatus(UUID invocationId, String expected) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> expected.equals(status(invocationId)));
    }

    private static String status(UUID invocationId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select status from sandbox.executions where invocation_id = ?")) {
            query.setObject(1, invocationId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static int storedRequests(UUID invocationId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select count(*) from sandbox.run_cancellations where invocation_id = ?")) {
            query.setObject(1, invocationId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
