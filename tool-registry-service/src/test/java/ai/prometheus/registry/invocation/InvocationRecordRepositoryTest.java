package ai.prometheus.registry.invocation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.registry.quota.QuotaService;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.outbox.Outbox;
import ai.prometheus.shared.platform.postgres.SqlPart;
import ai.prometheus.shared.platform.postgres.UniqueViolations;
import ai.prometheus.shared.sandbox.EgressSummary;
import ai.prometheus.shared.testing.Engines;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The synchronous path's one-statement write: every column as Hibernate would have written it,
 * the outbox event and the charge in the same statement, and none of them when the row's insert
 * fails (a racing request with the same id); its commit does not wait for the log flush
 * (registry.invocation.record-synchronous-commit, off by default; the outbox relay flushes before it
 * publishes); its event does not wake the relays at its commit, {@link Outbox#wakeRelays()} does.
 */
@QuarkusTest
class InvocationRecordRepositoryTest {

    @Inject
    InvocationRecordRepository records;

    @Inject
    Outbox outbox;

    @Inject
    QuotaService quotas;

    @Inject
    EventCodec codec;

    @Inject
    ObjectMapper json;

    @Inject
    Pool pool;

    @Inject
    ServiceConfig service;

    @Test
    void writesTheRowItsEventAndItsChargeInOneStatementOrNoneOfThem() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("sam", "recorded");
        UUID toolId = toolId(tool);
        OffsetDateTime created = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        Invocation invocation = new Invocation();
        invocation.id = UUID.randomUUID();
        invocation.toolId = toolId;
        invocation.toolName = tool;
        invocation.toolVersion = 1;
        invocation.fingerprint = "sha256:abc";
        // Unique, so the (caller, Idempotency-Key) index never meets an earlier run's row.
        String caller = "recorder-" + UUID.randomUUID();
        invocation.caller = caller;
        invocation.mode = Invocation.Mode.SYNC;
        invocation.status = Invocation.Status.COMPLETED;
        invocation.sandboxStatus = "OK";
        invocation.arguments = json.readTree("{\"city\":\"Oslo\",\"days\":3}");
        invocation.result(json.readTree("\"a text result\""));
        invocation.events(List.of(json.readTree("{\"type\":\"progress\",\"progress\":1}")));
        invocation.exitCode = 0;
        invocation.wallMs = 12L;
        invocation.cpuMs = 7L;
        invocation.peakMemoryBytes = 1_000L;
        invocation.outputBytes = 15L;
        invocation.latencyMs = 30L;
        invocation.memoryContextId = UUID.randomUUID();
        invocation.idempotencyKey = "key-1";
        invocation.createdAt = created;
        invocation.finishedAt = created.plusNanos(30_000_000);
        invocation.egress = new EgressSummary(2, 1, 10, 20, List.of("example.org:443"));

        CloudEvent event = event(invocation);
        records.insert(invocation, parts(invocation, event)).await().atMost(Duration.ofSeconds(10));

        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement("select tool_id, tool_name, tool_version, fingerprint,"
                        + " caller, mode, status, sandbox_status, arguments::text, result, events, error_message,"
                        + " exit_code, wall_ms, cpu_ms, peak_memory_bytes, output_bytes, latency_ms, memory_context_id,"
                        + " trace_id, idempotency_key, created_at, finished_at, egress::text"
                        + " from tool_registry.invocations where id = ?")) {
            query.setObject(1, invocation.id);
            try (ResultSet row = query.executeQuery()) {
                assertTrue(row.next(), "the row was written");
                assertEquals(toolId, row.getObject(1));
                assertEquals(tool, row.getString(2));
                assertEquals(1, row.getInt(3));
                assertEquals("sha256:abc", row.getString(4));
                assertEquals(caller, row.getString(5));
                assertEquals("SYNC", row.getString(6));
                assertEquals("COMPLETED", row.getString(7));
                assertEquals("OK", row.getString(8));
                assertEquals(invocation.arguments, json.readTree(row.getString(9)));
                assertEquals("\"a text result\"", row.getString(10));
                assertEquals(invocation.eventsJson, row.getString(11));
                assertNull(row.getString(12));
                assertEquals(0, row.getInt(13));
                assertEquals(12L, row.getLong(14));
                assertEquals(7L, row.getLong(15));
                assertEquals(1_000L, row.getLong(16));
                assertEquals(15L, row.getLong(17));
                assertEquals(30L, row.getLong(18));
                assertEquals(invocation.memoryContextId, row.getObject(19));
                assertNull(row.getString(20));
                assertEquals("key-1", row.getString(21));
                assertEquals(
                        created.toInstant(),
                        row.getObject(22, OffsetDateTime.class).toInstant());
                assertEquals(
                        invocation.finishedAt.toInstant(),
                        row.getObject(23, OffsetDateTime.class).toInstant());
                assertEquals(
                        json.readTree(json.writeValueAsString(invocation.egress)), json.readTree(row.getString(24)));
            }
        }
        assertEquals(1, outboxRows(event));
        assertEquals(Map.of("caller:" + caller, 7L, "*", 7L), cpuCharged(toolId));

        // The same id again (a racing request): the statement fails as a unique violation, and
        // neither its event nor its charge is written.
        CloudEvent again = event(invocation);
        Throwable failure = assertThrows(
                Throwable.class,
                () -> records.insert(invocation, parts(invocation, again))
                        .await()
                        .atMost(Duration.ofSeconds(10)));
        assertTrue(UniqueViolations.test(failure), "a unique violation: " + failure);
        assertEquals(0, outboxRows(again));
        assertEquals(Map.of("caller:" + caller, 7L, "*", 7L), cpuCharged(toolId));
    }

    @Test
    void theRecordsCommitDoesNotWaitForTheLogFlushAndNothingElseIsAffected() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("sam", "unflushed");
        String configured = setting();
        // Inside an explicit transaction that waits for the flush, the statement's setting is
        // visible to the next statement: the commit will not wait.
        Invocation inTransaction = minimal(tool);
        String after = pool.withTransaction(connection -> connection
                        .query("set local synchronous_commit = on")
                        .execute()
                        .chain(() ->
                                records.insert(connection, inTransaction, parts(inTransaction, event(inTransaction))))
                        .chain(() -> connection
                                .query("select current_setting('synchronous_commit')")
                                .execute())
                        .map(rows -> rows.iterator().next().getString(0)))
                .await()
                .atMost(Duration.ofSeconds(10));
        assertEquals("off", after);

        // On its own (its implicit transaction) the row and its event are written, and the setting
        // ends with the statement: the pooled connection's next transaction is as configured.
        Invocation alone = minimal(tool);
        CloudEvent event = event(alone);
        records.insert(alone, parts(alone, event)).await().atMost(Duration.ofSeconds(10));
        assertEquals(1, outboxRows(event));
        assertEquals(configured, setting());
    }

    @Test
    void theRecordsEventWakesTheRelaysWhenTheWriterAsksNotAtItsCommit() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("sam", "quiet");
        String channel = Outbox.channel(service.schema());
        List<String> heard = new CopyOnWriteArrayList<>();
        SqlConnection listening = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            PgConnection.cast(listening).notificationHandler(notification -> {
                if (notification.getChannel().equals(channel)) {
                    heard.add(notification.getPayload());
                }
            });
            listening.query("listen " + channel).execute().await().atMost(Duration.ofSeconds(10));
            // Written on the listening session itself: a notification of its commit would come first.
            Invocation quiet = minimal(tool);
            CloudEvent event = event(quiet);
            records.insert(listening, quiet, parts(quiet, event)).await().atMost(Duration.ofSeconds(10));
            assertEquals(1, outboxRows(event));
            listening
                    .preparedQuery("select pg_notify($1, 'after the record')")
                    .execute(Tuple.of(channel))
                    .await()
                    .atMost(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("after the record"));
            assertEquals(List.of("after the record"), heard);

            // The writer's wake reaches the relays' channel as the trigger's notification did.
            outbox.wakeRelays();
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 2);
            assertEquals(List.of("after the record", ""), heard);
        } finally {
            listening.query("unlisten *").execute().await().atMost(Duration.ofSeconds(10));
            listening.close().await().atMost(Duration.ofSeconds(10));
        }
    }

    private static Invocation minimal(String tool) throws Exception {
        Invocation invocation = new Invocation();
        invocation.id = UUID.randomUUID();
        invocation.toolId = toolId(tool);
        invocation.toolName = tool;
        invocation.toolVersion = 1;
        invocation.fingerprint = "sha256:abc";
        invocation.caller = "recorder-" + UUID.randomUUID();
        invocation.mode = Invocation.Mode.SYNC;
        invocation.status = Invocation.Status.COMPLETED;
        invocation.sandboxStatus = "OK";
        invocation.cpuMs = 1L;
        invocation.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        invocation.finishedAt = invocation.createdAt;
        return invocation;
    }

    private String setting() {
        return pool.query("select current_setting('synchronous_commit')")
                .execute()
                .map(rows -> rows.iterator().next().getString(0))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    private List<IntFunction<SqlPart>> parts(Invocation invocation, CloudEvent event) {
        return List.of(
                first -> outbox.insertPart(Topics.TOOL_INVOCATION_RESULTS, event, first),
                first -> quotas.chargePart(
                        invocation.toolId, invocation.caller, invocation.cpuMs, 0, invocation.finishedAt, first),
                // Nothing to write: left out of the statement.
                first -> null);
    }

    private CloudEvent event(Invocation invocation) {
        return codec.create(
                "test", "test.recorded", "tools/" + invocation.toolName, Map.of("invocation", invocation.id), null);
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

    private static int outboxRows(CloudEvent event) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select count(*) from tool_registry.outbox where id = ?")) {
            query.setObject(1, event.id());
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Map<String, Long> cpuCharged(UUID toolId) throws Exception {
        Map<String, Long> charged = new java.util.HashMap<>();
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement("select subject, used from tool_registry.quota_counters"
                        + " where tool_id = ? and counter = 'cpu_ms/days'")) {
            query.setObject(1, toolId);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    charged.merge(rs.getString(1), rs.getLong(2), Long::sum);
                }
            }
        }
        return charged;
    }
}
