package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.persistence.Listing;
import ai.prometheus.shared.platform.persistence.NativeSql;
import ai.prometheus.shared.platform.postgres.UnflushedCommit;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class ExecutionRepository implements PanacheRepositoryBase<Execution, UUID> {

    /** Before a statement whose own commit does not wait for the log flush; the statement reads it. */
    private static final String UNFLUSHED = "with " + UnflushedCommit.CLAUSE + "\n";

    /** Every column, in the order {@link #insertAlone} binds them. */
    private static final String COLUMNS = "id, source, language, status, exit_code, signal, message, stdout, result,"
            + " stderr, stdout_truncated, stderr_truncated, wall_ms, cpu_ms, peak_memory_bytes, output_bytes, warm,"
            + " limit_cpu_ms, limit_wall_ms, limit_memory_mb, limit_max_processes, limit_output_bytes, limit_disk_mb,"
            + " network, limit_egress_bytes, limit_egress_connections, egress, caller_claims, screening, principal,"
            + " on_behalf_of, session_id, code, code_sha256, code_bytes, stdin_bytes, idempotency_key, request_hash,"
            + " invocation_id, tool_name, tool_version, memory_context_id, arguments_summary, created_at, started_at,"
            + " finished_at";

    /** Their types, for the select that feeds the insert (a select's parameters are not typed by the target). */
    private static final String VALUES = "$1::uuid, $2::text, $3::text, $4::text, $5::int, $6::int, $7::text,"
            + " $8::text, $9::text, $10::text, $11::boolean, $12::boolean, $13::bigint, $14::bigint, $15::bigint,"
            + " $16::bigint, $17::boolean, $18::bigint, $19::bigint, $20::int, $21::int, $22::bigint, $23::int,"
            + " $24::text::jsonb, $25::bigint, $26::int, $27::text::jsonb, $28::text::jsonb, $29::text::jsonb,"
            + " $30::text, $31::text, $32::uuid, $33::text, $34::text, $35::int, $36::int, $37::text, $38::text,"
            + " $39::uuid, $40::text, $41::int, $42::uuid, $43::text, $44::timestamptz, $45::timestamptz,"
            + " $46::timestamptz";

    /** What completing a run writes (see {@code ExecutionRecords.complete}). */
    private static final String COMPLETION = "status = $2, exit_code = $3, signal = $4, message = $5, stdout = $6,"
            + " stderr = $7, stdout_truncated = $8, stderr_truncated = $9, wall_ms = $10, cpu_ms = $11,"
            + " peak_memory_bytes = $12, output_bytes = $13, warm = $14, egress = $15::text::jsonb, started_at = $16,"
            + " finished_at = $17";

    private final Pool pool;
    private final ObjectMapper json;
    private final boolean unflushed;
    private final String insert;
    private final String insertFlushed;
    private final String complete;
    private final String delete;

    public ExecutionRepository(Pool pool, ObjectMapper json, ServiceConfig service, SandboxConfig config) {
        this.pool = pool;
        this.json = json;
        String table = service.schema() + ".executions";
        this.unflushed = !config.storage().synchronousCommit();
        String from = " from " + UnflushedCommit.NAME;
        this.insertFlushed = "insert into " + table + " (" + COLUMNS + ") select " + VALUES;
        this.insert = unflushed ? UNFLUSHED + insertFlushed + from : insertFlushed;
        this.complete = (unflushed ? UNFLUSHED : "") + "update " + table + " set " + COMPLETION
                + (unflushed ? from : "") + " where id = $1";
        this.delete = (unflushed ? UNFLUSHED : "") + "delete from " + table
                + (unflushed ? " using " + UnflushedCommit.NAME : "") + " where id = $1";
    }

    /**
     * Writes {@code row} as one self-committing statement, outside the Hibernate session (no
     * flush, no dirty checks, no BEGIN and COMMIT): the REST path's hot write, one round trip. Unless
     * {@code sandbox.storage.synchronous-commit}, the statement itself turns off the wait for the
     * log flush for its own commit (2 to 3 ms on the development machine's disk).
     */
    public Uni<Void> insertAlone(Execution row) {
        return insertAlone(pool, row, false);
    }

    /**
     * The same, but with {@code waitForFlush} the commit waits for the log flush whatever the
     * setting: a claim that must survive a crash of PostgreSQL or its host once the run may have
     * started (see {@code ExecutionService.claim}).
     */
    public Uni<Void> insertAlone(Execution row, boolean waitForFlush) {
        return insertAlone(pool, row, waitForFlush);
    }

    /** The same on {@code client} (a test's transaction). */
    Uni<Void> insertAlone(SqlClient client, Execution row, boolean waitForFlush) {
        return client.preparedQuery(waitForFlush ? insertFlushed : insert)
                .execute(Tuple.from(new Object[] {
                    row.id,
                    row.source,
                    row.language,
                    row.status,
                    row.exitCode,
                    row.signal,
                    row.message,
                    row.stdout,
                    row.result,
                    row.stderr,
                    row.stdoutTruncated,
                    row.stderrTruncated,
                    row.wallMs,
                    row.cpuMs,
                    row.peakMemoryBytes,
                    row.outputBytes,
                    row.warm,
                    row.limitCpuMs,
                    row.limitWallMs,
                    row.limitMemoryMb,
                    row.limitMaxProcesses,
                    row.limitOutputBytes,
                    row.limitDiskMb,
                    json(row.network),
                    row.limitEgressBytes,
                    row.limitEgressConnections,
                    json(row.egress),
                    json(row.callerClaims),
                    json(row.screening),
                    row.principal,
                    row.onBehalfOf,
                    row.sessionId,
                    row.code,
                    row.codeSha256,
                    row.codeBytes,
                    row.stdinBytes,
                    row.idempotencyKey,
                    row.requestHash,
                    row.invocationId,
                    row.toolName,
                    row.toolVersion,
                    row.memoryContextId,
                    row.argumentsSummary,
                    row.createdAt,
                    row.startedAt,
                    row.finishedAt
                }))
                .replaceWithVoid();
    }

    /** Writes how the run of the stored {@code row} (claimed under its key) ended, in the same way (no read first). */
    public Uni<Void> completeAlone(Execution row) {
        return completeAlone(pool, row);
    }

    /** The same on {@code client} (a test's transaction). */
    Uni<Void> completeAlone(SqlClient client, Execution row) {
        return client.preparedQuery(complete)
                .execute(Tuple.from(new Object[] {
                    row.id,
                    row.status,
                    row.exitCode,
                    row.signal,
                    row.message,
                    row.stdout,
                    row.stderr,
                    row.stdoutTruncated,
                    row.stderrTruncated,
                    row.wallMs,
                    row.cpuMs,
                    row.peakMemoryBytes,
                    row.outputBytes,
                    row.warm,
                    json(row.egress),
                    row.startedAt,
                    row.finishedAt
                }))
                .replaceWithVoid();
    }

    /** Deletes the stored {@code row} in the same way. */
    public Uni<Void> deleteAlone(Execution row) {
        return pool.preparedQuery(delete).execute(Tuple.of(row.id)).replaceWithVoid();
    }

    /**
     * Within the current Hibernate transaction (its first statement): its commit does not wait
     * for the log flush, unless {@code sandbox.storage.synchronous-commit}. For a REST row written
     * with its report to the guardian (the outbox relay flushes the log before it publishes the
     * report's event).
     */
    public Uni<Void> unflushedCommit() {
        if (!unflushed) {
            return Uni.createFrom().voidItem();
        }
        return getSession()
                .chain(session ->
                        session.createNativeQuery(UnflushedCommit.SET_LOCAL).executeUpdate())
                .replaceWithVoid();
    }

    /** A JSON column's value as text, as Hibernate's mapping writes it (the same Jackson). */
    private String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an execution's JSON column could not be written", e);
        }
    }

    /** Newest first, narrowed by whichever filters are set; rows {@code offset .. offset + limit - 1}. */
    public Uni<List<Execution>> search(ExecutionFilter filter, int offset, int limit) {
        return new Listing()
                .where("(principal = :principal or onBehalfOf = :principal)", "principal", filter.principal())
                .where("(principal = :owner or onBehalfOf = :owner)", "owner", filter.owner())
                .equal("status", filter.status())
                .equal("language", filter.language())
                .equal("sessionId", filter.sessionId())
                .where("createdAt >= :since", "since", filter.since())
                .where("createdAt < :until", "until", filter.until())
                .page(this, Listing.newestFirst(), offset, limit);
    }

    public Uni<Execution> findByIdempotencyKey(String principal, String key) {
        return find("principal = ?1 and idempotencyKey = ?2", principal, key).firstResult();
    }

    public Uni<Execution> findByInvocation(UUID invocationId) {
        return find("invocationId", invocationId).firstResult();
    }

    /**
     * Runs still marked RUNNING that started before {@code cutoff}, locked for update; rows another
     * transaction holds locked (a run finishing them, another replica's reaper) are skipped, not
     * waited for. Native SQL: Panache's reactive queries take no lock-timeout hint for SKIP LOCKED.
     */
    public Uni<List<Execution>> lockRunningSince(OffsetDateTime cutoff, int limit) {
        return NativeSql.list(
                "select * from {h-schema}executions where status = :status and started_at < :cutoff"
                        + " order by started_at limit :limit for update skip locked",
                Execution.class,
                Map.of("status", Execution.RUNNING, "cutoff", cutoff, "limit", limit));
    }

    /**
     * The filters of GET /executions; null means "any". {@code owner} is not a filter the caller
     * chooses but the visibility rule: only runs by that principal or on its behalf.
     */
    public record ExecutionFilter(
            String principal,
            String status,
            String language,
            UUID sessionId,
            OffsetDateTime since,
            OffsetDateTime until,
            String owner) {}
}
