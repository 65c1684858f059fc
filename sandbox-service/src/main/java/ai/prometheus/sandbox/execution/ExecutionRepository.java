package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.shared.platform.persistence.Listing;
import ai.prometheus.shared.platform.persistence.NativeSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.reactive.mutiny.Mutiny;

@ApplicationScoped
public class ExecutionRepository implements PanacheRepositoryBase<Execution, UUID> {

    /** Lasts until this transaction's end; nothing else on the connection sees it. */
    static final String ASYNC_COMMIT = "set local synchronous_commit to off";

    private final Mutiny.SessionFactory sessions;
    private final boolean synchronousCommit;

    public ExecutionRepository(Mutiny.SessionFactory sessions, SandboxConfig config) {
        this.sessions = sessions;
        this.synchronousCommit = config.storage().synchronousCommit();
    }

    /**
     * Writes {@code row} as one statement, outside the Hibernate session (no flush, no dirty
     * checks): the REST path's hot write. With {@code sandbox.storage.synchronous-commit} it
     * commits on its own (one round trip, atomic without a transaction around it); by default in
     * a transaction that does not wait for the log flush (BEGIN, the setting, the write, COMMIT:
     * four short round trips instead of a 2 to 3 ms flush).
     */
    public Uni<Void> insertAlone(Execution row) {
        return write(session -> session.insert(row));
    }

    /** Overwrites the stored {@code row} with this one in the same way (no read first). */
    public Uni<Void> updateAlone(Execution row) {
        return write(session -> session.update(row));
    }

    /** Deletes the stored {@code row} in the same way. */
    public Uni<Void> deleteAlone(Execution row) {
        return write(session -> session.delete(row));
    }

    private Uni<Void> write(Function<Mutiny.StatelessSession, Uni<Void>> statement) {
        if (synchronousCommit) {
            return sessions.withStatelessSession(statement);
        }
        // A plain SET LOCAL, not a select of set_config: no result row to map and one constant
        // statement, so the query plan cache holds one entry for it (not one per typed select).
        return sessions.withStatelessTransaction(session ->
                session.createNativeQuery(ASYNC_COMMIT).executeUpdate().chain(ignored -> statement.apply(session)));
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
