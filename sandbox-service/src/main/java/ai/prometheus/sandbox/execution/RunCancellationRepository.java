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
public class RunCancellationRepository implements PanacheRepositoryBase<RunCancellation, UUID> {

    /**
     * Records the request, or renews a repeated one: either way its trigger notifies every replica
     * at commit, so a repeat also wakes a replica that missed the first notification.
     */
    public Uni<Void> request(UUID invocationId, String requestedBy, OffsetDateTime at) {
        return NativeSql.update(
                        "insert into {h-schema}run_cancellations (invocation_id, requested_by, requested_at)"
                                + " values (:invocation, :by, :at)"
                                + " on conflict (invocation_id) do update set requested_at = excluded.requested_at",
                        Map.of("invocation", invocationId, "by", requestedBy, "at", at))
                .replaceWithVoid();
    }

    public Uni<Boolean> requested(UUID invocationId) {
        return count("invocationId", invocationId).map(found -> found > 0);
    }

    /** Which of {@code invocationIds} have a request. */
    public Uni<List<UUID>> requestedAmong(List<UUID> invocationIds) {
        return list("invocationId in ?1", invocationIds)
                .map(found ->
                        found.stream().map(request -> request.invocationId).toList());
    }

    public Uni<Long> deleteBefore(OffsetDateTime cutoff) {
        return delete("requestedAt < ?1", cutoff);
    }
}
