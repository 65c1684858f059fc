package ai.prometheus.sandbox.invocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The reaper takes interrupted rows with SKIP LOCKED: a row another transaction holds (a run that
 * is finishing it, another replica reaping it) is passed over, not waited for, so the other
 * interrupted runs are still answered.
 */
@QuarkusTest
class InterruptedRunReaperTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void aLockedRowDoesNotHoldUpTheOthers() throws Exception {
        UUID lockedInvocation = UUID.randomUUID();
        UUID freeInvocation = UUID.randomUUID();
        // The probe opens first: the reaper may answer the row before the lock below is taken.
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS);
                Connection holder = Engines.jdbc()) {
            UUID lockedRow = insertInterrupted(lockedInvocation, "11 minutes");
            holder.setAutoCommit(false);
            try (PreparedStatement lock =
                    holder.prepareStatement("select id from sandbox.executions where id = ? for update")) {
                lock.setObject(1, lockedRow);
                lock.executeQuery().close();
            }
            // Younger than the locked row: a reaper that waits on the oldest row never gets here.
            insertInterrupted(freeInvocation, "10 minutes");
            CloudEvent free =
                    results.await(e -> ("invocations/" + freeInvocation).equals(e.subject()), Duration.ofSeconds(30));
            assertEquals(
                    "INTERNAL_ERROR",
                    codec.data(free, ToolInvocationFailed.class).status());

            holder.rollback();
            CloudEvent locked =
                    results.await(e -> ("invocations/" + lockedInvocation).equals(e.subject()), Duration.ofSeconds(30));
            assertEquals(
                    "INTERNAL_ERROR",
                    codec.data(locked, ToolInvocationFailed.class).status());
        }
    }

    /** What a replica that died mid-run leaves behind: a RUNNING row, claimed {@code ago}. */
    private static UUID insertInterrupted(UUID invocationId, String ago) throws Exception {
        UUID executionId = UUID.randomUUID();
        try (Connection db = Engines.jdbc();
                PreparedStatement insert = db.prepareStatement("insert into sandbox.executions (id, source, language,"
                        + " status, limit_cpu_ms, limit_wall_ms, limit_memory_mb, limit_max_processes, limit_output_bytes,"
                        + " limit_disk_mb, principal, on_behalf_of, code, code_sha256, code_bytes, stdin_bytes,"
                        + " invocation_id, tool_name, tool_version, arguments_summary, created_at, started_at) values"
                        + " (?, 'kafka', 'python', 'RUNNING', 1000, 1000, 64, 8, 1024, 8, 'tool-registry-service', 'agent-9',"
                        + " 'print(1)', 'x', 8, 2, ?, 'reaped-tool', 1, '{}', now() - cast(? as interval),"
                        + " now() - cast(? as interval))")) {
            insert.setObject(1, executionId);
            insert.setObject(2, invocationId);
            insert.setString(3, ago);
            insert.setString(4, ago);
            insert.executeUpdate();
        }
        return executionId;
    }
}
