package ai.prometheus.registry.audit;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.persistence.Listing;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
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
