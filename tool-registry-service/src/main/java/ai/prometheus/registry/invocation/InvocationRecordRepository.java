package ai.prometheus.registry.invocation;

import ai.prometheus.registry.config.RegistryConfig;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.outbox.Outbox;
import ai.prometheus.shared.platform.postgres.SqlPart;
import ai.prometheus.shared.platform.postgres.UnflushedCommit;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Writes a finished synchronous invocation with what must commit with it (its outbox events, the
 * charge of its run) as one statement on the reactive pool: the row is the main insert, the others
 * data-modifying {@code WITH} clauses. One round trip and one implicit transaction, all or nothing,
 * instead of BEGIN, a Hibernate flush, a statement per table and COMMIT: the synchronous path's
 * last write, where a JFR profile found Hibernate Reactive's session work the largest part of the
 * registry's event loop. A unique violation (a racing request with the same Idempotency-Key) fails
 * the statement as the Hibernate insert did. Its commit does not wait for the log flush unless
 * {@code registry.invocation.record-synchronous-commit} is set ({@link UnflushedCommit}): the outbox
 * relay flushes the log past the row before it publishes the row's events. Its outbox rows do not
 * wake the relays at its commit ({@link Outbox#QUIET_CLAUSE}): the caller wakes them once it has
 * answered ({@link Outbox#wakeRelays()}).
 */
@ApplicationScoped
public class InvocationRecordRepository {

    static final int COLUMNS = 25;

    private final Pool pool;
    private final ObjectMapper json;
    private final String insert;
    private final boolean asyncCommit;

    public InvocationRecordRepository(Pool pool, ServiceConfig service, ObjectMapper json, RegistryConfig config) {
        this.pool = pool;
        this.json = json;
        this.asyncCommit = !config.invocation().recordSynchronousCommit();
        String into = "insert into " + service.schema() + ".invocations (id, tool_id, tool_name, tool_version,"
                + " fingerprint, caller, mode, status, sandbox_status, arguments, result, events, error_message,"
                + " exit_code, wall_ms, cpu_ms, peak_memory_bytes, output_bytes, latency_ms, memory_context_id,"
                + " trace_id, idempotency_key, created_at, finished_at, egress) ";
        this.insert = into + "select " + placeholdersWithJson(1) + " from "
                + (asyncCommit ? UnflushedCommit.NAME + ", " : "") + Outbox.QUIET;
    }

    /** The columns' placeholders from {@code first}; arguments (10th) and egress (25th) cast to jsonb. */
    private static String placeholdersWithJson(int first) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < COLUMNS; i++) {
            String placeholder = "$" + (first + i);
            sql.append(i == 0 ? "" : ", ")
                    .append(i == 9 || i == 24 ? "cast(cast(" + placeholder + " as text) as jsonb)" : placeholder);
        }
        return sql.toString();
    }

    /**
     * Inserts {@code invocation} with {@code alongside}: each function gets the number of its
     * first parameter and answers its statement (null: nothing to write), in the order given.
     */
    public Uni<Void> insert(Invocation invocation, List<IntFunction<SqlPart>> alongside) {
        return insert(pool, invocation, alongside);
    }

    /** The same on {@code client} (a test's transaction). */
    Uni<Void> insert(SqlClient client, Invocation invocation, List<IntFunction<SqlPart>> alongside) {
        List<Object> parameters = new ArrayList<>(row(invocation));
        List<String> clauses = new ArrayList<>(alongside.size() + 2);
        if (asyncCommit) {
            clauses.add(UnflushedCommit.CLAUSE);
        }
        clauses.add(Outbox.QUIET_CLAUSE);
        for (IntFunction<SqlPart> part : alongside) {
            SqlPart statement = part.apply(parameters.size() + 1);
            if (statement != null) {
                clauses.add("w" + clauses.size() + " as (" + statement.sql() + ")");
                parameters.addAll(statement.parameters());
            }
        }
        String sql = "with " + String.join(", ", clauses) + " " + insert;
        return client.preparedQuery(sql).execute(Tuple.from(parameters)).replaceWithVoid();
    }

    private List<Object> row(Invocation invocation) {
        List<Object> values = new ArrayList<>(COLUMNS);
        values.add(invocation.id);
        values.add(invocation.toolId);
        values.add(invocation.toolName);
        values.add(invocation.toolVersion);
        values.add(invocation.fingerprint);
        values.add(invocation.caller);
        values.add(invocation.mode.name());
        values.add(invocation.status.name());
        values.add(invocation.sandboxStatus);
        values.add(invocation.arguments == null ? "{}" : invocation.arguments.toString());
        values.add(invocation.resultJson);
        values.add(invocation.eventsJson);
        values.add(invocation.errorMessage);
        values.add(invocation.exitCode);
        values.add(invocation.wallMs);
        values.add(invocation.cpuMs);
        values.add(invocation.peakMemoryBytes);
        values.add(invocation.outputBytes);
        values.add(invocation.latencyMs);
        values.add(invocation.memoryContextId);
        values.add(invocation.traceId);
        values.add(invocation.idempotencyKey);
        values.add(invocation.createdAt);
        values.add(invocation.finishedAt);
        values.add(egress(invocation));
        return values;
    }

    private String egress(Invocation invocation) {
        if (invocation.egress == null) {
            return null;
        }
        try {
            return json.writeValueAsString(invocation.egress);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("invocation " + invocation.id + " has an unwritable egress summary", e);
        }
    }
}
