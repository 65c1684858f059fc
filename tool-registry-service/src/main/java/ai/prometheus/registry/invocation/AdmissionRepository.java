package ai.prometheus.registry.invocation;

import ai.prometheus.registry.config.RegistryConfig;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.postgres.SqlPart;
import ai.prometheus.shared.platform.postgres.UnflushedCommit;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What admitting an invocation reads and writes, as one statement on the reactive pool: the live
 * tool of that name with its row version ({@code xmin}, which every update of the row changes),
 * its quota limits if it has a quota row, whether an invocation with the given id exists (a
 * repeated Idempotency-Key), and, when the caller has already decided against the tool as it was
 * at a known row version, the call's audit entry, written only if the row is still that version,
 * has no quota row and no invocation has that id. One round trip, and no Hibernate session, for
 * the usual call; what the statement read is the answer when it wrote nothing. ({@code xmin} is
 * the id of the transaction that wrote the row's current version; it could repeat for the same row
 * only after the 2^32 transaction ids wrap around, and only if an update landed on that same id.)
 */
@ApplicationScoped
public class AdmissionRepository {

    /** A live tool's row, as admission needs it; its JSON columns as text, parsed only when needed. */
    public record ToolRow(
            UUID id,
            String rowVersion,
            String name,
            String owner,
            String status,
            String statusReason,
            int currentVersion,
            String fingerprint,
            String permissions,
            String functionSignature) {}

    /**
     * What the statement found: whether it wrote the audit entry, whether the invocation id exists
     * already, the live tool (null: none), its quota limits as JSON (null: no quota row).
     */
    public record Found(boolean audited, boolean earlier, ToolRow tool, String quotaLimits) {}

    /** An insert to compose, parameters numbered from {@code first}, written only when {@code condition} holds. */
    @FunctionalInterface
    public interface ConditionalInsert {
        SqlPart at(int first, String condition);
    }

    private static final int OWN_PARAMETERS = 3;

    /**
     * Lasts until the statement's own transaction commits, whose commit then does not wait for the
     * log flush (see {@code registry.invocation.admission.synchronous-commit}). A CTE runs only when
     * the statement reads it, so the answer's FROM does.
     */
    private static final String ASYNC_COMMIT = " " + UnflushedCommit.CLAUSE + ",";

    private final Pool pool;
    private final String reads;
    private final String answer;
    private final boolean asyncCommit;

    public AdmissionRepository(Pool pool, ServiceConfig service, RegistryConfig config) {
        this.pool = pool;
        this.asyncCommit = !config.invocation().admission().synchronousCommit();
        String schema = service.schema();
        this.reads = "with t as (select id, xmin::text as row_version, name, owner, status, status_reason,"
                + " current_version, fingerprint, permissions::text as permissions,"
                + " function_signature::text as function_signature from " + schema + ".tool_registry"
                + " where name = $1 and status <> 'DELETED'),"
                + " q as (select limits::text as limits from " + schema + ".tool_quotas"
                + " where tool_id = (select id from t)),"
                + " p as (select 1 from " + schema + ".invocations where id = $2)";
        this.answer = " exists (select 1 from p) as earlier, (select limits from q) as quota_limits, t.*"
                + " from (select 1) as one left join t on true";
    }

    /** The statement {@link #admit} sends; {@code writes}: with the audit entry's insert. */
    private String statement(boolean writes, String insert) {
        if (!writes) {
            return reads + " select false as audited," + answer;
        }
        String from = asyncCommit
                ? answer.replace(" from (select 1) as one", " from " + UnflushedCommit.NAME + ", (select 1) as one")
                : answer;
        return reads + "," + (asyncCommit ? ASYNC_COMMIT : "") + " a as (" + insert
                + " returning 1) select exists (select 1 from a) as audited," + from;
    }

    /**
     * Reads what admission needs about {@code name} and invocation {@code invocationId} (null: no
     * Idempotency-Key); with {@code audit} (null: only read), writes that entry if the tool's row
     * is still at {@code rowVersion}, it has no quota row and the invocation does not exist.
     */
    public Uni<Found> admit(String name, UUID invocationId, String rowVersion, ConditionalInsert audit) {
        return admit(pool, name, invocationId, rowVersion, audit);
    }

    /** The same on {@code client} (a test's transaction). */
    Uni<Found> admit(SqlClient client, String name, UUID invocationId, String rowVersion, ConditionalInsert audit) {
        List<Object> parameters = new ArrayList<>(List.of(name));
        parameters.add(invocationId);
        String sql;
        if (audit == null) {
            sql = statement(false, null);
        } else {
            parameters.add(rowVersion);
            SqlPart insert = audit.at(
                    OWN_PARAMETERS + 1,
                    "exists (select 1 from t where t.row_version = $3) and not exists (select 1 from q)"
                            + " and not exists (select 1 from p)");
            sql = statement(true, insert.sql());
            parameters.addAll(insert.parameters());
        }
        return client.preparedQuery(sql)
                .execute(Tuple.from(parameters))
                .map(rows -> found(rows.iterator().next()));
    }

    private static Found found(Row row) {
        UUID id = row.getUUID("id");
        ToolRow tool = id == null
                ? null
                : new ToolRow(
                        id,
                        row.getString("row_version"),
                        row.getString("name"),
                        row.getString("owner"),
                        row.getString("status"),
                        row.getString("status_reason"),
                        row.getInteger("current_version"),
                        row.getString("fingerprint"),
                        row.getString("permissions"),
                        row.getString("function_signature"));
        return new Found(row.getBoolean("audited"), row.getBoolean("earlier"), tool, row.getString("quota_limits"));
    }
}
