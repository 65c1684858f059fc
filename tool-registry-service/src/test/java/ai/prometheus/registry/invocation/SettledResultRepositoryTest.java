package ai.prometheus.registry.invocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.registry.usage.UsageRecorder;
import ai.prometheus.shared.testing.Engines;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The result event of a synchronous invocation is counted into usage by one statement, once however
 * often it arrives; an asynchronous invocation's is left, untouched, to the consumer's transaction
 * that finishes and charges it.
 */
@QuarkusTest
class SettledResultRepositoryTest {

    private static final String CONSUMER = "settled-result-test";

    @Inject
    SettledResultRepository settled;

    @Inject
    InvocationRecordRepository records;

    @Test
    void aSynchronousInvocationsResultIsCountedOnceInOneStatement() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("sam", "settled");
        String caller = "settled-" + UUID.randomUUID();
        Invocation invocation = invocation(tool, caller, Invocation.Mode.SYNC, Invocation.Status.COMPLETED);
        String eventId = UUID.randomUUID().toString();

        assertTrue(count(eventId, invocation.id, tool, caller, false));
        assertTrue(count(eventId, invocation.id, tool, caller, false), "a redelivery is answered as handled");

        assertEquals(List.of(1L, 1L), calls(tool, caller), "hour and day, each counted once");
        assertEquals(1, claims(eventId));
        assertEquals(1L, failures(tool, caller, "DAY"));
    }

    @Test
    void anAsynchronousInvocationsResultIsLeftToTheConsumersTransaction() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("sam", "unsettled");
        String caller = "unsettled-" + UUID.randomUUID();
        Invocation pending = invocation(tool, caller, Invocation.Mode.ASYNC, Invocation.Status.PENDING);
        Invocation cancelled = invocation(tool, caller, Invocation.Mode.ASYNC, Invocation.Status.CANCELLED);
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();

        assertFalse(count(first, pending.id, tool, caller, true));
        // Not pending, but asynchronous: its run is still to be charged by the consumer.
        assertFalse(count(second, cancelled.id, tool, caller, true));

        assertEquals(List.of(), calls(tool, caller));
        assertEquals(0, claims(first));
        assertEquals(0, claims(second));
    }

    @Test
    void aResultOfAnInvocationThisDatabaseDoesNotHoldIsCounted() throws Exception {
        String caller = "elsewhere-" + UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();

        assertTrue(count(eventId, UUID.randomUUID(), "not-here", caller, true));

        assertEquals(List.of(1L, 1L), calls("not-here", caller));
        assertEquals(1, claims(eventId));
    }

    private boolean count(String eventId, UUID invocationId, String tool, String caller, boolean success) {
        return settled.countIfSettled(
                        CONSUMER,
                        eventId,
                        invocationId,
                        tool,
                        caller,
                        UsageRecorder.outcome(success, success ? "OK" : "ERROR", 42, 7, 1_000),
                        OffsetDateTime.now(ZoneOffset.UTC))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    private Invocation invocation(String tool, String caller, Invocation.Mode mode, Invocation.Status status)
            throws Exception {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        Invocation invocation = new Invocation();
        invocation.id = UUID.randomUUID();
        invocation.toolId = toolId(tool);
        invocation.toolName = tool;
        invocation.toolVersion = 1;
        invocation.fingerprint = "sha256:abc";
        invocation.caller = caller;
        invocation.mode = mode;
        invocation.status = status;
        invocation.createdAt = now;
        invocation.finishedAt = status == Invocation.Status.PENDING ? null : now;
        records.insert(invocation, List.of()).await().atMost(Duration.ofSeconds(10));
        return invocation;
    }

    private static List<Long> calls(String tool, String caller) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement("select calls from tool_registry.usage_rollups"
                        + " where tool_name = ? and caller = ? order by granularity")) {
            query.setString(1, tool);
            query.setString(2, caller);
            try (ResultSet rs = query.executeQuery()) {
                List<Long> calls = new java.util.ArrayList<>();
                while (rs.next()) {
                    calls.add(rs.getLong(1));
                }
                return calls;
            }
        }
    }

    private static long failures(String tool, String caller, String granularity) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement("select failures from tool_registry.usage_rollups"
                        + " where tool_name = ? and caller = ? and granularity = ?")) {
            query.setString(1, tool);
            query.setString(2, caller);
            query.setString(3, granularity);
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next());
                return rs.getLong(1);
            }
        }
    }

    private static int claims(String eventId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select count(*) from tool_registry.processed_events where consumer = ? and event_id = ?")) {
            query.setString(1, CONSUMER);
            query.setString(2, eventId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static UUID toolId(String tool) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select id from tool_registry.tool_registry where name = ?")) {
            query.setString(1, tool);
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next());
                return (UUID) rs.getObject(1);
            }
        }
    }
}
