package ai.prometheus.guardian.group;

import ai.prometheus.shared.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Keeps groups up to date as errors arrive, and lets operators move them between states. */
@ApplicationScoped
public class ErrorGroupService {

    static final int MAX_TITLE = 300;

    private final ErrorGroupRepository groups;
    private final GroupHistoryRepository history;

    public ErrorGroupService(ErrorGroupRepository groups, GroupHistoryRepository history) {
        this.groups = groups;
        this.history = history;
    }

    /**
     * Counts one error into its group, inside the caller's transaction. The group stays locked
     * until that transaction ends. A new event on a resolved group marks it regressed.
     */
    public Uni<ErrorGroup> record(
            Fingerprint fingerprint, String service, String errorType, String message, String tool, OffsetDateTime at) {
        return groups.claim(fingerprint, service, errorType, titleOf(errorType, message), at)
                .chain(claimed -> {
                    ErrorGroup group = claimed.group();
                    group.eventCount++;
                    if (at.isAfter(group.lastSeen)) {
                        group.lastSeen = at;
                    }
                    group.noteAffected(service, tool);
                    if (group.state() != GroupState.RESOLVED) {
                        return Uni.createFrom().item(group);
                    }
                    group.state = GroupState.REGRESSED.value();
                    group.stateChangedAt = at;
                    GroupHistoryEntry entry = GroupHistoryEntry.of(
                            group.id,
                            at,
                            GroupHistoryEntry.REGRESSION,
                            "guardian",
                            "a new event arrived after the group was resolved");
                    entry.fromState = GroupState.RESOLVED.value();
                    entry.toState = GroupState.REGRESSED.value();
                    return history.persist(entry).replaceWith(group);
                });
    }

    /** Moves a group to {@code target} on behalf of {@code actor}; setting the current state again changes nothing. */
    @WithTransaction
    public Uni<ErrorGroup> changeState(UUID id, GroupState target, String actor, String note) {
        if (!target.settable()) {
            throw ProblemException.invalidField(
                    "state",
                    "'" + target.value() + "' is set by the guardian when a resolved"
                            + " group gets a new event; choose open, acknowledged, resolved or ignored");
        }
        return groups.findLocked(id)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("error group", id))
                .chain(group -> {
                    if (group.state() == target) {
                        return Uni.createFrom().item(group);
                    }
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    GroupHistoryEntry entry = GroupHistoryEntry.of(group.id, now, GroupHistoryEntry.STATE, actor, note);
                    entry.fromState = group.state;
                    entry.toState = target.value();
                    group.state = target.value();
                    group.stateChangedAt = now;
                    if (target == GroupState.RESOLVED) {
                        // A person took over: automation may act again if the issue comes back.
                        group.escalatedAt = null;
                        group.escalationReason = null;
                    }
                    return history.persist(entry).replaceWith(group);
                });
    }

    /** Marks the group escalated: automatic remediation gave up and a person must look. */
    public Uni<Void> escalate(UUID groupId, String reason, String actor) {
        return groups.findLocked(groupId).chain(group -> {
            if (group == null) {
                return Uni.createFrom().voidItem();
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            group.escalatedAt = now;
            group.escalationReason = reason;
            return history.persist(GroupHistoryEntry.of(groupId, now, GroupHistoryEntry.ESCALATION, actor, reason))
                    .replaceWithVoid();
        });
    }

    /** Notes an action on the group's timeline. */
    public Uni<Void> note(UUID groupId, String kind, String actor, String note) {
        return history.persist(GroupHistoryEntry.of(groupId, OffsetDateTime.now(ZoneOffset.UTC), kind, actor, note))
                .replaceWithVoid();
    }

    static String titleOf(String errorType, String message) {
        String firstLine = message == null || message.isBlank()
                ? errorType
                : message.strip().lines().findFirst().orElse(errorType);
        return firstLine.length() <= MAX_TITLE ? firstLine : firstLine.substring(0, MAX_TITLE - 1) + "…";
    }
}
