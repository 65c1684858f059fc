package ai.prometheus.guardian.remediation;

import ai.prometheus.guardian.error.ErrorLogRepository;
import ai.prometheus.guardian.group.ErrorGroupService;
import ai.prometheus.guardian.group.GroupHistoryEntry;
import ai.prometheus.shared.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * What happens to an action after it was requested: its outcome (from the acting service or the
 * webhook call), its verification, and its revert. A failed, refused or unverified fix escalates
 * its group: the guardian stops acting on it and waits for a person.
 */
@ApplicationScoped
public class ActionService {

    private static final Logger LOG = Logger.getLogger(ActionService.class);
    static final int BATCH = 100;
    static final int MAX_MESSAGE = 2000;

    private final ActionRepository actions;
    private final RuleRepository rules;
    private final ErrorLogRepository errors;
    private final ErrorGroupService groups;
    private final ActionHandlers handlers;

    public ActionService(
            ActionRepository actions,
            RuleRepository rules,
            ErrorLogRepository errors,
            ErrorGroupService groups,
            ActionHandlers handlers) {
        this.actions = actions;
        this.rules = rules;
        this.errors = errors;
        this.groups = groups;
        this.handlers = handlers;
    }

    /**
     * Records the outcome of a pending action, inside the caller's transaction; an action that is
     * no longer pending is left alone, so a repeated answer changes nothing.
     *
     * @param notAppliedStatus {@code refused} when the acting service said no, {@code failed} when it could not be reached
     */
    public Uni<Void> complete(UUID actionId, boolean applied, String message, String notAppliedStatus) {
        return complete(actionId, applied, null, message, notAppliedStatus);
    }

    /** As above, with whether applying the action {@code changed} its target (null: not known). */
    public Uni<Void> complete(
            UUID actionId, boolean applied, Boolean changed, String message, String notAppliedStatus) {
        return actions.findLocked(actionId).chain(action -> {
            if (action == null) {
                LOG.debugf("Result for unknown action %s ignored", actionId);
                return Uni.createFrom().voidItem();
            }
            if (!RemediationAction.PENDING.equals(action.status)) {
                return Uni.createFrom().voidItem();
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            action.status = applied ? RemediationAction.APPLIED : notAppliedStatus;
            action.changedTarget = applied ? changed : Boolean.FALSE;
            action.resultMessage = message == null
                    ? null
                    : message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE);
            action.completedAt = now;
            String outcome = RemediationEngine.describe(action) + " " + action.status
                    + (action.resultMessage == null ? "" : ": " + action.resultMessage);
            Uni<Void> noted = action.groupId == null
                    ? Uni.createFrom().voidItem()
                    : groups.note(action.groupId, GroupHistoryEntry.ACTION, action.requestedBy, outcome);
            if (!applied) {
                return noted.chain(() -> action.isRevert() || action.groupId == null
                        ? Uni.createFrom().voidItem()
                        : groups.escalate(action.groupId, "remediation failed: " + outcome, action.requestedBy));
            }
            if (action.isRevert()) {
                return noted.chain(() -> actions.findLocked(action.revertsActionId))
                        .chain(this::markReverted);
            }
            return noted.chain(() -> errors.markFixed(action.id, true))
                    .chain(() -> action.ruleId == null ? Uni.createFrom().nullItem() : rules.findById(action.ruleId))
                    .invoke(rule -> {
                        if (rule != null && rule.verifyQuietSeconds != null) {
                            action.verification = RemediationAction.VERIFY_PENDING;
                            action.verifyUntil = now.plusSeconds(rule.verifyQuietSeconds);
                        }
                    })
                    .replaceWithVoid();
        });
    }

    private Uni<Void> markReverted(RemediationAction original) {
        original.status = RemediationAction.REVERTED;
        original.verification = RemediationAction.VERIFY_PENDING.equals(original.verification)
                ? RemediationAction.VERIFY_NONE
                : original.verification;
        return errors.markFixed(original.id, false).replaceWithVoid();
    }

    /**
     * Asks for the opposite of an applied action; the revert is an action of its own. An action
     * that changed nothing (its tool was already disabled by someone else, say) has nothing to
     * undo: its revert is recorded as applied at once and sends nothing, so the tool stays as
     * that someone left it.
     */
    @WithTransaction
    public Uni<RemediationAction> revert(UUID actionId, String requestedBy, String reason) {
        return actions.findLocked(actionId)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("action", actionId))
                .invoke(ActionService::checkRevertible)
                .chain(original -> actions.liveRevertOf(original.id)
                        .invoke(existing -> checkNotBeingReverted(original, existing))
                        .chain(() -> startRevert(original, requestedBy, reason)));
    }

    private static void checkRevertible(RemediationAction original) {
        if (original.isRevert()) {
            throw ProblemException.conflict("action " + original.id + " is itself a revert; it cannot be reverted");
        }
        if (!RemediationAction.APPLIED.equals(original.status)) {
            throw ProblemException.conflict(
                    "action " + original.id + " is " + original.status + "; only an applied action can be reverted");
        }
    }

    private static void checkNotBeingReverted(RemediationAction original, RemediationAction existing) {
        if (existing != null) {
            throw ProblemException.conflict(
                    "action " + original.id + " is already being reverted by action " + existing.id);
        }
    }

    private Uni<RemediationAction> startRevert(RemediationAction original, String requestedBy, String reason) {
        ActionHandler handler = handlers.get(original.actionType);
        RemediationAction revert = new RemediationAction();
        revert.id = UUID.randomUUID();
        revert.ruleId = original.ruleId;
        revert.ruleName = original.ruleName;
        revert.groupId = original.groupId;
        revert.actionType = handler.revertType();
        revert.target = original.target;
        revert.scope = original.scope;
        revert.params = handler.revertParams(original, requestedBy, reason);
        revert.attempt = 1;
        revert.status = RemediationAction.PENDING;
        revert.requestedBy = requestedBy;
        revert.revertsActionId = original.id;
        revert.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        revert.verification = RemediationAction.VERIFY_NONE;
        if (Boolean.FALSE.equals(original.changedTarget)) {
            return recordNothingToUndo(original, revert, requestedBy);
        }
        return actions.persist(revert)
                .chain(() -> handlers.get(revert.actionType).dispatch(revert))
                .chain(() -> noteRevert(original, requestedBy, " requested"))
                .replaceWith(revert);
    }

    /** The original changed nothing, so its revert is applied at once and sends nothing. */
    private Uni<RemediationAction> recordNothingToUndo(
            RemediationAction original, RemediationAction revert, String requestedBy) {
        revert.status = RemediationAction.APPLIED;
        revert.changedTarget = false;
        revert.completedAt = revert.createdAt;
        revert.resultMessage = "nothing to undo: " + (original.target == null ? "the target" : original.target)
                + " was already in that state before action " + original.id
                + ", so it is left as it is";
        return actions.persist(revert)
                .chain(() -> markReverted(original))
                .chain(() -> noteRevert(original, requestedBy, ": " + revert.resultMessage))
                .replaceWith(revert);
    }

    private Uni<Void> noteRevert(RemediationAction original, String requestedBy, String what) {
        return original.groupId == null
                ? Uni.createFrom().voidItem()
                : groups.note(
                        original.groupId,
                        GroupHistoryEntry.ACTION,
                        requestedBy,
                        "revert of " + RemediationEngine.describe(original) + what);
    }

    /**
     * Settles verifications: a new error of the group (and tool) after the action took effect
     * fails it and escalates the group; a quiet period that ran out passes it.
     */
    public Uni<Void> verifyDue() {
        return Panache.withTransaction(() -> actions.verificationDue(BATCH).chain(due -> {
            Uni<Void> settled = Uni.createFrom().voidItem();
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            for (RemediationAction action : due) {
                settled = settled.chain(() -> errors.countAfter(action.groupId, action.scope, action.completedAt)
                        .chain(newErrors -> settle(action, newErrors, now)));
            }
            return settled;
        }));
    }

    private Uni<Void> settle(RemediationAction action, long newErrors, OffsetDateTime now) {
        if (newErrors > 0) {
            action.verification = RemediationAction.VERIFY_FAILED;
            return groups.escalate(
                    action.groupId,
                    RemediationEngine.describe(action) + " did not stop the errors: " + newErrors
                            + " more after it was applied",
                    action.requestedBy);
        }
        if (!action.verifyUntil.isAfter(now)) {
            action.verification = RemediationAction.VERIFY_PASSED;
            return groups.note(
                    action.groupId,
                    GroupHistoryEntry.ACTION,
                    action.requestedBy,
                    RemediationEngine.describe(action) + " verified: no new errors for "
                            + Duration.between(action.completedAt, action.verifyUntil)
                                    .toSeconds() + " s");
        }
        return Uni.createFrom().voidItem();
    }

    /** Pending actions nobody answered within {@code timeout} count as failed. */
    public Uni<Void> expireStale(Duration timeout) {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(timeout);
        return Panache.withTransaction(() -> actions.pendingSince(before, BATCH).chain(stale -> {
            Uni<Void> expired = Uni.createFrom().voidItem();
            for (RemediationAction action : stale) {
                expired = expired.chain(() -> complete(
                        action.id, false, "no answer within " + timeout.toSeconds() + " s", RemediationAction.FAILED));
            }
            return expired;
        }));
    }

    public Uni<List<RemediationAction>> page(UUID ruleId, UUID groupId, String status, int offset, int limit) {
        return actions.search(ruleId, groupId, status, offset, limit);
    }
}
