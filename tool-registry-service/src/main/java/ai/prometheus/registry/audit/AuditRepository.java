package ai.prometheus.registry.audit;

import ai.prometheus.shared.platform.config.ServiceConfig;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
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

    private final Pool pool;
    private final String insert;

    public AuditRepository(Pool pool, ServiceConfig service) {
        this.pool = pool;
        this.insert = "insert into " + service.schema() + ".audit_log"
                + " (id, at, actor, actor_kind, action, tool_name, decision, reason, details, trace_id)"
                + " values ($1, $2, $3, $4, $5, $6, $7, $8, cast(cast($9 as text) as jsonb), $10)";
    }

    /**
     * Writes the entry on a connection of its own, outside any Hibernate session, so it commits at
     * once whatever happens to the transaction of the request.
     */
    public Uni<Void> insertNow(AuditEntry entry) {
        return pool.preparedQuery(insert)
                .execute(Tuple.from(new Object[] {
                    entry.id,
                    entry.at,
                    entry.actor,
                    entry.actorKind,
                    entry.action,
                    entry.toolName,
                    entry.decision,
                    entry.reason,
                    entry.details.toString(),
                    entry.traceId
                }))
                .replaceWithVoid();
    }

    /** Newest first, narrowed by whichever filters are set; rows {@code offset .. offset + limit - 1}. */
    public Uni<List<AuditEntry>> search(AuditFilter filter, int offset, int limit) {
        List<String> clauses = new ArrayList<>();
        Parameters parameters = new Parameters();
        if (filter.tool() != null) {
            clauses.add("toolName = :tool");
            parameters.and("tool", filter.tool());
        }
        if (filter.actor() != null) {
            clauses.add("actor = :actor");
            parameters.and("actor", filter.actor());
        }
        if (filter.action() != null) {
            clauses.add("action = :action");
            parameters.and("action", filter.action());
        }
        if (filter.decision() != null) {
            clauses.add("decision = :decision");
            parameters.and("decision", filter.decision());
        }
        if (filter.since() != null) {
            clauses.add("at >= :since");
            parameters.and("since", filter.since());
        }
        if (filter.until() != null) {
            clauses.add("at < :until");
            parameters.and("until", filter.until());
        }
        Sort sort = Sort.descending("at").and("id", Sort.Direction.Descending);
        var query = clauses.isEmpty() ? findAll(sort) : find(String.join(" and ", clauses), sort, parameters);
        return query.range(offset, offset + limit - 1).list();
    }

    /** The filters of GET /audit; null means "any". */
    public record AuditFilter(
            String tool, String actor, String action, String decision, OffsetDateTime since, OffsetDateTime until) {}
}
