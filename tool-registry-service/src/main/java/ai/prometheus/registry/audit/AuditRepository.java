package ai.prometheus.registry.audit;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.persistence.Listing;
import ai.prometheus.shared.platform.postgres.SqlPart;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The audit log: entries written with the change they record, entries committed at once, and the search. */
@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEntry, UUID> {

    private static final int COLUMNS = 10;

    private final Pool pool;
    private final String into;
    private final String insert;

    public AuditRepository(Pool pool, ServiceConfig service) {
        this.pool = pool;
        this.into = "insert into " + service.schema() + ".audit_log"
                + " (id, at, actor, actor_kind, action, tool_name, decision, reason, details, trace_id)";
        this.insert = into + " values (" + values(1) + ")";
    }

    /** The placeholders of the columns from {@code first}; details (9th) cast to jsonb. */
    private static String values(int first) {
        return SqlPart.placeholders(first, 8) + ", cast(cast($" + (first + 8) + " as text) as jsonb), $" + (first + 9);
    }

    /**
     * Writes the entry on a connection of its own, outside any Hibernate session, so it commits at
     * once whatever happens to the transaction of the request.
     */
    public Uni<Void> insertNow(AuditEntry entry) {
        return pool.preparedQuery(insert).execute(Tuple.from(row(entry))).replaceWithVoid();
    }

    /**
     * The entry's insert as a statement to compose with others (see {@link SqlPart}), parameters
     * numbered from {@code first}, written only when {@code condition} (SQL over the composed
     * statement's other clauses) holds.
     */
    public SqlPart insertPart(AuditEntry entry, int first, String condition) {
        return new SqlPart(into + " select " + values(first) + " where " + condition, row(entry));
    }

    private static List<Object> row(AuditEntry entry) {
        List<Object> values = new ArrayList<>(COLUMNS);
        values.add(entry.id);
        values.add(entry.at);
        values.add(entry.actor);
        values.add(entry.actorKind);
        values.add(entry.action);
        values.add(entry.toolName);
        values.add(entry.decision);
        values.add(entry.reason);
        values.add(entry.details.toString());
        values.add(entry.traceId);
        return values;
    }

    /** Newest first, narrowed by whichever filters are set; rows {@code offset .. offset + limit - 1}. */
    public Uni<List<AuditEntry>> search(AuditFilter filter, int offset, int limit) {
        return new Listing()
                .equal("toolName", filter.tool())
                .equal("actor", filter.actor())
                .equal("action", filter.action())
                .equal("decision", filter.decision())
                .where("at >= :since", "since", filter.since())
                .where("at < :until", "until", filter.until())
                .page(this, Listing.newestFirst("at"), offset, limit);
    }

    /** The filters of GET /audit; null means "any". */
    public record AuditFilter(
            String tool, String actor, String action, String decision, OffsetDateTime since, OffsetDateTime until) {}
}
