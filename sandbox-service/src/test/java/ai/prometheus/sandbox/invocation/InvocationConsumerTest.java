package ai.prometheus.sandbox.invocation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.event.CallerClaims;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.security.PrincipalKind;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InvocationConsumerTest {

    private static final Duration RESULT_WAIT = Duration.ofSeconds(60);
    /** What the registry says about the caller; it must come back on the result for the memory guild. */
    private static final CallerClaims CLAIMS =
            new CallerClaims(PrincipalKind.AGENT, List.of("team-a"), List.of("memory:write:ctx-1", "tools:invoke"));

    private final EventCodec codec = new EventCodec();
    private final ObjectMapper json = new ObjectMapper();

    private CloudEvent request(
            UUID invocationId, String language, String code, String arguments, ExecutionLimits limits)
            throws Exception {
        JsonNode args = json.readTree(arguments);
        ToolInvocationRequested requested = new ToolInvocationRequested(
                invocationId,
                "adder",
                3,
                "fp-1",
                language,
                code,
                args,
                limits,
                "agent-42",
                UUID.fromString("00000000-0000-0000-0000-00000000c0de"),
                CLAIMS,
                null,
                null);
        return codec.create(
                "/tool-registry-service",
                EventTypes.TOOL_INVOCATION_REQUESTED,
                "invocations/" + invocationId,
                requested,
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    /** The request topic this instance consumes (the real one, with a suffix of its own in tests). */
    static String requests() {
        return ConfigProvider.getConfig()
                .getValue("mp.messaging.incoming.tool-invocation-requests.topic", String.class);
    }

    private static void send(CloudEvent event) {
        KafkaProbe.send(requests(), event.subject(), new EventCodec().encode(event));
    }

    private static boolean about(CloudEvent event, UUID invocationId) {
        return ("invocations/" + invocationId).equals(event.subject());
    }

    @Test
    void anOkRunIsPublishedAsCompletedWithTheParsedResult() throws Exception {
        UUID invocationId = UUID.randomUUID();
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            send(request(
                    invocationId,
                    "python",
                    "import json, sys\nargs = json.load(sys.stdin)\nprint(json.dumps({'sum': args['a'] + args['b']}))",
                    "{\"a\": 2, \"b\": 40}",
                    null));
            CloudEvent event = results.await(e -> about(e, invocationId), RESULT_WAIT);
            assertEquals(EventTypes.TOOL_INVOCATION_COMPLETED, event.type());
            assertEquals("/sandbox-service", event.source());
            assertTrue(event.traceparent().contains("4bf92f3577b34da6a3ce929d0e0e4736"), event.traceparent());
            ToolInvocationCompleted completed = codec.data(event, ToolInvocationCompleted.class);
            assertEquals(invocationId, completed.invocationId());
            assertEquals("adder", completed.toolName());
            assertEquals(3, completed.toolVersion());
            assertEquals("agent-42", completed.caller());
            assertEquals(UUID.fromString("00000000-0000-0000-0000-00000000c0de"), completed.memoryContextId());
            assertEquals("OK", completed.status());
            assertEquals(42, completed.result().get("sum").asInt());
            assertEquals("{\"a\":2,\"b\":40}", completed.argumentsSummary());
            assertNotNull(completed.usage());
            assertTrue(completed.usage().peakMemoryBytes() > 0);
            assertFalse(completed.finishedAt().isBefore(completed.startedAt()));
            assertEquals(CLAIMS, completed.callerClaims());
        }
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select source, status, principal, on_behalf_of, tool_name"
                                + " from sandbox.executions where invocation_id = ?")) {
            query.setObject(1, invocationId);
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("kafka", rs.getString(1));
                assertEquals("OK", rs.getString(2));
                assertEquals("tool-registry-service", rs.getString(3));
                assertEquals("agent-42", rs.getString(4));
                assertEquals("adder", rs.getString(5));
            }
        }
    }

    @Test
    void aFailingRunIsPublishedAsFailedWithStatusExitCodeAndMessage() throws Exception {
        UUID crashed = UUID.randomUUID();
        UUID tooBig = UUID.randomUUID();
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            send(request(crashed, "bash", "echo 'no such city' >&2; exit 4", "{\"city\": \"Atlantis\"}", null));
            send(request(
                    tooBig, "python", "print(1)", "{}", new ExecutionLimits(null, null, 999_999, null, null, null)));
            ToolInvocationFailed failed =
                    codec.data(results.await(e -> about(e, crashed), RESULT_WAIT), ToolInvocationFailed.class);
            assertEquals("RUNTIME_ERROR", failed.status());
            assertEquals(4, failed.exitCode());
            assertFalse(failed.platformFault());
            assertTrue(failed.errorMessage().contains("no such city"), failed.errorMessage());
            assertEquals("{\"city\":\"Atlantis\"}", failed.argumentsSummary());
            assertEquals(CLAIMS, failed.callerClaims());

            CloudEvent refusedEvent = results.await(e -> about(e, tooBig), RESULT_WAIT);
            assertEquals(EventTypes.TOOL_INVOCATION_FAILED, refusedEvent.type());
            ToolInvocationFailed refused = codec.data(refusedEvent, ToolInvocationFailed.class);
            assertEquals("POLICY_DENIED", refused.status());
            assertTrue(refused.errorMessage().contains("limits.memoryMb"), refused.errorMessage());
            assertFalse(refused.platformFault());
            assertEquals(CLAIMS, refused.callerClaims());
        }
    }

    @Test
    void aRequestDeliveredThreeTimesRunsOnceAndIsAnsweredOnce() throws Exception {
        UUID invocationId = UUID.randomUUID();
        UUID sentinel = UUID.randomUUID();
        // The program appends to nothing persistent, so count runs by execution rows and result events.
        CloudEvent event = request(invocationId, "python", "import uuid\nprint(uuid.uuid4())", "{}", null);
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            for (int i = 0; i < 3; i++) {
                send(event);
            }
            send(request(sentinel, "bash", "echo sentinel", "{}", null));
            results.await(e -> about(e, sentinel), RESULT_WAIT);
            List<ConsumerRecord<String, String>> late = results.collect(Duration.ofSeconds(2));
            assertEquals(
                    0,
                    late.stream()
                            .filter(r -> r.value().contains(invocationId.toString()))
                            .count(),
                    "a redelivery was answered again");
        }
        assertEquals(1, rowsFor(invocationId));
    }

    @Test
    void twoRequestsForOneInvocationRunOnceAndAreAnsweredOnce() throws Exception {
        UUID invocationId = UUID.randomUUID();
        UUID sentinel = UUID.randomUUID();
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            // Two events (two ids) asking for the same invocation: the second loses on the unique invocation id.
            send(request(invocationId, "bash", "echo first", "{}", null));
            send(request(invocationId, "bash", "echo second", "{}", null));
            send(request(sentinel, "bash", "echo sentinel", "{}", null));
            java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();
            results.await(
                    e -> {
                        if (about(e, invocationId)) {
                            answers.incrementAndGet();
                            assertEquals(EventTypes.TOOL_INVOCATION_COMPLETED, e.type());
                        }
                        return about(e, sentinel);
                    },
                    RESULT_WAIT);
            answers.addAndGet((int) results.collect(Duration.ofSeconds(2)).stream()
                    .filter(r -> r.value().contains(invocationId.toString()))
                    .count());
            assertEquals(1, answers.get(), "answers for the invocation");
        }
        assertEquals(1, rowsFor(invocationId));
        assertTrue(healthy(), "a duplicate must not fail the channel");
    }

    @Test
    void theChannelWaitsForARecordLongerThanTheLongestRunMayTake() {
        // The throttled commit strategy marks the channel unhealthy when a record stays unprocessed
        // longer than this; SmallRye's default (60 s) is below the maximum wall time (120 s).
        var config = ConfigProvider.getConfig();
        long maxAge = config.getOptionalValue(InvocationChannelCheck.MAX_AGE, Long.class)
                .orElse(InvocationChannelCheck.DEFAULT_MAX_AGE_MS);
        long maxWall = config.getValue("sandbox.limits.max.wall-ms", Long.class);
        assertTrue(maxAge > maxWall, "max age " + maxAge + " ms is not above the maximum wall time " + maxWall + " ms");
        assertEquals(
                null,
                InvocationChannelCheck.problem(
                        maxAge,
                        maxWall,
                        config.getValue("sandbox.recovery.grace", Duration.class)
                                .toMillis()));
    }

    private static boolean healthy() {
        return io.restassured.RestAssured.given().when().get("/q/health").statusCode() == 200;
    }

    @Test
    void aRecordThatIsNotARequestGoesToTheDeadLetterTopic() {
        String dlq = requests() + ".sandbox-service.dlq";
        assertTrue(requests().startsWith(Topics.TOOL_INVOCATION_REQUESTS), requests());
        try (KafkaProbe probe = KafkaProbe.on(dlq)) {
            String garbage = "{\"specversion\": \"1.0\", \"id\": \"" + UUID.randomUUID() + "\"";
            KafkaProbe.send(requests(), "x", garbage);
            ConsumerRecord<String, String> record = probe.awaitRecord(
                    r -> garbage.equals(r.value()), Duration.ofSeconds(20), "the malformed record on " + dlq);
            String reason =
                    new String(record.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("not valid JSON"), reason);
        }
    }

    @Test
    void aRunLeftRunningByAStoppedReplicaIsAnsweredAsAPlatformFault() throws Exception {
        UUID invocationId = UUID.randomUUID();
        UUID executionId = UUID.randomUUID();
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS);
                KafkaProbe errors = KafkaProbe.on(Topics.ERRORS)) {
            // What a replica that died mid-run leaves behind: a RUNNING row, claimed long ago.
            try (Connection db = Engines.jdbc();
                    PreparedStatement insert =
                            db.prepareStatement("insert into sandbox.executions (id, source, language,"
                                    + " status, limit_cpu_ms, limit_wall_ms, limit_memory_mb, limit_max_processes, limit_output_bytes,"
                                    + " limit_disk_mb, principal, on_behalf_of, code, code_sha256, code_bytes, stdin_bytes,"
                                    + " invocation_id, tool_name, tool_version, arguments_summary, created_at, started_at) values"
                                    + " (?, 'kafka', 'python', 'RUNNING', 1000, 1000, 64, 8, 1024, 8, 'tool-registry-service', 'agent-9',"
                                    + " 'print(1)', 'x', 8, 2, ?, 'slow-tool', 1, '{}', now() - interval '10 minutes',"
                                    + " now() - interval '10 minutes')")) {
                insert.setObject(1, executionId);
                insert.setObject(2, invocationId);
                insert.executeUpdate();
            }
            ToolInvocationFailed failed =
                    codec.data(results.await(e -> about(e, invocationId), RESULT_WAIT), ToolInvocationFailed.class);
            assertEquals("INTERNAL_ERROR", failed.status());
            assertTrue(failed.platformFault());
            assertEquals("slow-tool", failed.toolName());
            assertEquals("agent-9", failed.caller());
            ErrorReported error = codec.data(
                    errors.await(
                            e -> EventTypes.ERROR_REPORTED.equals(e.type())
                                    && invocationId
                                            .toString()
                                            .equals(codec.data(e, ErrorReported.class)
                                                    .attributes()
                                                    .get("invocationId")),
                            RESULT_WAIT),
                    ErrorReported.class);
            assertEquals("sandbox-service", error.service());
            assertEquals("sandbox.interrupted", error.errorType());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> "INTERNAL_ERROR".equals(statusOf(executionId)));
    }

    private static int rowsFor(UUID invocationId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select count(*) from sandbox.executions where invocation_id = ?")) {
            query.setObject(1, invocationId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static String statusOf(UUID executionId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement("select status from sandbox.executions where id = ?")) {
            query.setObject(1, executionId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
