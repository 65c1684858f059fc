package ai.prometheus.sandbox.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.sandbox.NetworkPolicy;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The REST path's writes commit without waiting for PostgreSQL's log flush
 * (sandbox.storage.synchronous-commit, off by default; the outbox relay flushes before it
 * publishes), except the claim of a run that can change something outside its sandbox. Each write
 * is run inside an explicit transaction that waits for the flush, so the setting a statement
 * leaves is visible to the next one, which reads it back.
 */
@QuarkusTest
class ExecutionRepositoryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ExecutionRepository executions;

    @Inject
    Pool pool;

    @Test
    void theClaimAndTheRecordCommitWithoutTheFlushAndTheSettingEndsWithTheStatement() {
        String configured = setting();
        assertEquals("off", afterIn(connection -> executions.insertAlone(connection, row(), false)));

        Execution claimed = row();
        executions.insertAlone(claimed).await().atMost(WAIT);
        assertEquals(configured, setting(), "the statement's setting outlived its own transaction");
        claimed.status = "OK";
        claimed.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
        assertEquals("off", afterIn(connection -> executions.completeAlone(connection, claimed)));
    }

    @Test
    void aClaimThatMustSurviveACrashWaitsForTheFlush() {
        assertEquals("on", afterIn(connection -> executions.insertAlone(connection, row(), true)));

        Execution fresh = row();
        assertFalse(ExecutionService.claimMustSurviveACrash(fresh), "a fresh sandbox without network");
        Execution networked = row();
        networked.network = new NetworkPolicy(List.of("example.com:443"));
        assertTrue(ExecutionService.claimMustSurviveACrash(networked), "a run that may connect out");
        Execution inSession = row();
        inSession.sessionId = UUID.randomUUID();
        assertTrue(ExecutionService.claimMustSurviveACrash(inSession), "a run that writes a session's workspace");
    }

    @Test
    void aRecordWrittenWithItsReportCommitsWithoutTheFlush() throws Throwable {
        String inside = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> executions
                .unflushedCommit()
                .chain(() -> Panache.getSession())
                .chain(session -> session.createNativeQuery(
                                "select current_setting('synchronous_commit')", String.class)
                        .getSingleResult())));
        assertEquals("off", inside);
    }

    /** The setting the next statement of a transaction that waits for the flush sees after {@code write}. */
    private String afterIn(Function<SqlConnection, Uni<Void>> write) {
        return pool.withTransaction(connection -> connection
                        .query("set local synchronous_commit = on")
                        .execute()
                        .chain(() -> write.apply(connection))
                        .chain(() -> connection
                                .query("select current_setting('synchronous_commit')")
                                .execute())
                        .map(rows -> rows.iterator().next().getString(0)))
                .await()
                .atMost(WAIT);
    }

    private String setting() {
        return pool.query("select current_setting('synchronous_commit')")
                .execute()
                .map(rows -> rows.iterator().next().getString(0))
                .await()
                .atMost(WAIT);
    }

    private static Execution row() {
        Execution row = new Execution();
        row.id = UUID.randomUUID();
        row.source = Execution.SOURCE_API;
        row.language = "python";
        row.status = Execution.RUNNING;
        row.limitCpuMs = 1000;
        row.limitWallMs = 1000;
        row.limitMemoryMb = 64;
        row.limitMaxProcesses = 8;
        row.limitOutputBytes = 1024;
        row.limitDiskMb = 8;
        row.principal = "repository-test";
        row.code = "print(1)";
        row.codeSha256 = "x";
        row.codeBytes = 8;
        row.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        row.startedAt = row.createdAt;
        return row;
    }
}
