package ai.prometheus.guardian.remediation;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

public record ActionView(
        UUID id,
        String type,
        String target,
        String scope,
        Map<String, String> params,
        String status,
        String resultMessage,
        UUID ruleId,
        String ruleName,
        UUID groupId,
        int attempt,
        String requestedBy,
        UUID revertsActionId,
        UUID triggerErrorId,
        OffsetDateTime createdAt,
        OffsetDateTime completedAt,
        String verification,
        OffsetDateTime verifyUntil,
        Boolean changedTarget) {

    static ActionView of(RemediationAction action) {
        return new ActionView(
                action.id,
                action.actionType,
                action.target,
                action.scope,
                Map.copyOf(action.params),
                action.status,
                action.resultMessage,
                action.ruleId,
                action.ruleName,
                action.groupId,
                action.attempt,
                action.requestedBy,
                action.revertsActionId,
                action.triggerErrorId,
                action.createdAt,
                action.completedAt,
                action.verification,
                action.verifyUntil,
                action.changedTarget);
    }
}
