package ai.prometheus.sandbox.execution;

import ai.prometheus.shared.platform.persistence.NativeSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class RunCancellationRepository implements PanacheRepositoryBase<RunCancellation, RunCancellation.Key> {

    /**
     * Records the request, or renews a repeated one: either way its trigger notifies every replica
     * at commit, so a repeat also wakes a replica that missed the first notification.
     */
    public Uni<Void> request(UUID invocationId, String requestedBy, OffsetDateTime at) {
        return NativeSql.update(
                        "insert into {h-schema}run_cancellations (invocation_id, requested_by, requested_at)"
                                + " values (:invocation, :by, :at)"
                                // The same caller's hold, once the run is known to be theirs, is a plain request.
                                + " on conflict (invocation_id, requested_by) do update set requested_at = excluded.requested_at,"
                                + " held = false",
                        Map.of("invocation", invocationId, "by", requestedBy, "at", at))
                .replaceWithVoid();
    }

    /**
     * Holds a request for an invocation this sandbox has not received yet; a plain request stored
     * before it stays as it is.
     */
    public Uni<Void> hold(UUID invocationId, String requestedBy, OffsetDateTime at) {
        return NativeSql.update(
                        "insert into {h-schema}run_cancellations (invocation_id, requested_by, requested_at, held)"
                                + " values (:invocation, :by, :at, true)"
                                + " on conflict (invocation_id, requested_by) do update set requested_at = excluded.requested_at",
                        Map.of("invocation", invocationId, "by", requestedBy, "at", at))
                .replaceWithVoid();
    }

    /** The requests about one invocation. */
    public Uni<List<RunCancellation>> about(UUID invocationId) {
        return list("invocationId", invocationId);
    }

    /** The requests about {@code invocationIds}. */
    public Uni<List<RunCancellation>> requestedAmong(List<UUID> invocationIds) {
        return list("invocationId in ?1", invocationIds);
    }

    public Uni<Long> deleteBefore(OffsetDateTime cutoff) {
        return delete("requestedAt < ?1", cutoff);
    }
}
