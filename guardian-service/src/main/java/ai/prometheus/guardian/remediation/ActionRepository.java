package ai.prometheus.guardian.remediation;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.persistence.Listing;
import ai.prometheus.shared.platform.persistence.NativeSql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class ActionRepository implements PanacheRepositoryBase<RemediationAction, UUID> {

    private final String schema;

    public ActionRepository(ServiceConfig service) {
        this.schema = service.schema();
    }

    /** The actions one rule took on one group for one scope (tool), newest first. */
    public Uni<List<RemediationAction>> byRuleGroupScope(UUID ruleId, UUID groupId, String scope) {
        Sort newestFirst = Sort.descending("createdAt");
        return scope == null
                ? find(
                                "ruleId = ?1 and groupId = ?2 and scope is null and revertsActionId is null",
                                newestFirst,
                                ruleId,
                                groupId)
                        .list()
                : find(
                                "ruleId = ?1 and groupId = ?2 and scope = ?3 and revertsActionId is null",
                                newestFirst,
                                ruleId,
                                groupId,
                                scope)
                        .list();
    }

    public Uni<RemediationAction> findLocked(UUID id) {
        return find("id", id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** A pending or applied revert of {@code actionId}, if one exists. */
    public Uni<RemediationAction> liveRevertOf(UUID actionId) {
        return find(
                        "revertsActionId = ?1 and status in ?2",
                        actionId,
                        List.of(RemediationAction.PENDING, RemediationAction.APPLIED))
                .firstResult();
    }

    /**
     * Claims up to {@code limit} pending actions of {@code type} that were never sent or whose
     * last send was before {@code resendBefore} (the sender died); other replicas skip claimed rows.
     */
    public Uni<List<RemediationAction>> claimForDispatch(String type, OffsetDateTime resendBefore, int limit) {
        String sql = "select * from " + schema + ".remediation_actions where status = 'pending' and action_type = :type"
                + " and (dispatched_at is null or dispatched_at < :resendBefore)"
                + " order by created_at limit :limit for update skip locked";
        return NativeSql.list(
                sql, RemediationAction.class, Map.of("type", type, "resendBefore", resendBefore, "limit", limit));
    }

    public Uni<List<RemediationAction>> verificationDue(int limit) {
        return find("verification", Sort.ascending("verifyUntil"), RemediationAction.VERIFY_PENDING)
                .range(0, limit - 1)
                .list();
    }

    public Uni<List<RemediationAction>> pendingSince(OffsetDateTime before, int limit) {
        return find("status = ?1 and createdAt < ?2", Sort.ascending("createdAt"), RemediationAction.PENDING, before)
                .range(0, limit - 1)
                .list();
    }

    public Uni<List<RemediationAction>> search(UUID ruleId, UUID groupId, String status, int offset, int limit) {
        return new Listing()
                .equal("ruleId", ruleId)
                .equal("groupId", groupId)
                .equal("status", status)
                .page(this, Listing.newestFirst(), offset, limit);
    }
}
