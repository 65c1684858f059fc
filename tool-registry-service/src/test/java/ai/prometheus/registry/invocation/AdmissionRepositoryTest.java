package ai.prometheus.registry.invocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.registry.audit.AuditTrail;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.PrincipalKind;
import ai.prometheus.shared.testing.Engines;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Admission's one statement: it reads the tool, its quota and an earlier invocation, and writes
 * the call's audit entry only while the tool's row is still the version the caller decided on,
 * the tool has no quota and no invocation has the id; that write's commit does not wait for the log
 * flush (registry.invocation.admission.synchronous-commit, off by default).
 */
@QuarkusTest
class AdmissionRepositoryTest {

    @Inject
    AdmissionRepository admissions;

    @Inject
    AuditTrail audit;

    @Inject
    Pool pool;

    @Test
    void writesTheAuditEntryOnlyWhileTheToolRowIsTheVersionDecidedOn() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("owner1", "admitted");
        AdmissionRepository.Found read = admit(tool, null, null, null);
        assertFalse(read.audited());
        assertFalse(read.earlier());
        assertNull(read.quotaLimits());
        AdmissionRepository.ToolRow row = read.tool();
        assertNotNull(row);
        assertEquals(tool, row.name());
        assertEquals("owner1", row.owner());
        assertEquals("ACTIVE", row.status());
        assertEquals(1, row.currentVersion());
        assertTrue(row.functionSignature().contains("city"));
        assertNotNull(row.rowVersion());

        String caller = "admitted-" + UUID.randomUUID();
        AdmissionRepository.Found admitted = admit(tool, null, row.rowVersion(), caller);
        assertTrue(admitted.audited());
        assertEquals(row.rowVersion(), admitted.tool().rowVersion());
        assertEquals(1, allowed(tool, caller));

        // Any change to the row (here its status reason) makes the decision stale: nothing written,
        // and the answer is the row as it is now.
        update("update tool_registry.tool_registry set status_reason = 'touched' where name = ?", tool);
        AdmissionRepository.Found stale = admit(tool, null, row.rowVersion(), caller);
        assertFalse(stale.audited());
        assertNotEquals(row.rowVersion(), stale.tool().rowVersion());
        assertEquals(1, allowed(tool, caller));

        assertTrue(admit(tool, null, stale.tool().rowVersion(), caller).audited());
        assertEquals(2, allowed(tool, caller));
    }

    @Test
    void aQuotaOrAnEarlierInvocationLeavesTheDecisionToTheCaller() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("owner1", "withheld");
        AdmissionRepository.ToolRow row = admit(tool, null, null, null).tool();
        String caller = "withheld-" + UUID.randomUUID();

        UUID earlier = UUID.randomUUID();
        update(
                "insert into tool_registry.invocations (id, tool_id, tool_name, tool_version, fingerprint, caller,"
                        + " mode, status, arguments, created_at) select '" + earlier + "', id, name, 1, fingerprint,"
                        + " 'someone', 'SYNC', 'COMPLETED', '{}', now() from tool_registry.tool_registry"
                        + " where name = ?",
                tool);
        AdmissionRepository.Found repeated = admit(tool, earlier, row.rowVersion(), caller);
        assertTrue(repeated.earlier());
        assertFalse(repeated.audited());
        assertEquals(0, allowed(tool, caller));

        update(
                "insert into tool_registry.tool_quotas (tool_id, limits, updated_at, updated_by)"
                        + " select id, '{\"perCaller\":{\"callsPerMinute\":5}}', now(), 'owner1'"
                        + " from tool_registry.tool_registry where name = ?",
                tool);
        AdmissionRepository.Found limited = admit(tool, null, row.rowVersion(), caller);
        assertFalse(limited.audited());
        assertTrue(limited.quotaLimits().contains("callsPerMinute"));
        assertEquals(0, allowed(tool, caller));
    }

    @Test
    void onlyTheStatementThatWritesTheEntrySkipsTheLogFlushAndOnlyForItsOwnTransaction() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("owner1", "unflushed");
        AdmissionRepository.ToolRow row = admit(tool, null, null, null).tool();
        String caller = "unflushed-" + UUID.randomUUID();

        String configured = setting();
        // Run inside an explicit transaction that waits for the flush, the statement's setting is
        // visible to the next statement.
        assertEquals("on", settingAfter(tool, null, null));
        assertEquals("off", settingAfter(tool, row.rowVersion(), caller));
        assertEquals(1, allowed(tool, caller));
        // On its own (its implicit transaction), the setting ends with the statement: the pooled
        // connection's next transaction is as configured again.
        assertTrue(admit(tool, null, row.rowVersion(), caller).audited());
        assertEquals(configured, setting());
    }

    private String setting() {
        return pool.query("select current_setting('synchronous_commit')")
                .execute()
                .map(rows -> rows.iterator().next().getString(0))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    private String settingAfter(String tool, String rowVersion, String caller) {
        return pool.withTransaction(connection -> connection
                        .query("set local synchronous_commit = on")
                        .execute()
                        .chain(() -> admissions.admit(connection, tool, null, rowVersion, entry(tool, caller)))
                        .chain(() -> connection
                                .query("select current_setting('synchronous_commit')")
                                .execute())
                        .map(rows -> rows.iterator().next().getString(0)))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    @Test
    void anUnknownToolIsAnAnswerWithoutATool() {
        AdmissionRepository.Found found =
                admit("no_such_tool_" + UUID.randomUUID().toString().substring(0, 8), null, "1", "x");
        assertNull(found.tool());
        assertFalse(found.audited());
    }

    private AdmissionRepository.Found admit(String tool, UUID earlier, String rowVersion, String caller) {
        return admissions
                .admit(tool, earlier, rowVersion, entry(tool, caller))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    private AdmissionRepository.ConditionalInsert entry(String tool, String caller) {
        return caller == null
                ? null
                : (first, condition) -> audit.allowedPart(
                        new Caller(caller, PrincipalKind.USER, Set.of(), Set.of()),
                        AuditTrail.INVOKE,
                        tool,
                        "owner",
                        null,
                        first,
                        condition);
    }

    private static void update(String sql, String tool) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, tool);
            assertEquals(1, statement.executeUpdate());
        }
    }

    private static int allowed(String tool, String actor) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement("select count(*) from tool_registry.audit_log"
                        + " where tool_name = ? and actor = ? and decision = 'ALLOW' and action = 'tool.invoke'")) {
            query.setString(1, tool);
            query.setString(2, actor);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
