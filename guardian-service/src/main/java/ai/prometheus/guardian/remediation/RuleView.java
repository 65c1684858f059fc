package ai.prometheus.guardian.remediation;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

public record RuleView(
        UUID id,
        String name,
        String description,
        boolean enabled,
        RuleRequest.Match match,
        RuleRequest.Guard guard,
        RuleRequest.Action action,
        RuleRequest.Verify verify,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        String createdBy,
        String updatedBy) {

    static RuleView of(RemediationRule rule) {
        return new RuleView(
                rule.id,
                rule.name,
                rule.description,
                rule.enabled,
                new RuleRequest.Match(
                        rule.matchService,
                        rule.matchErrorType,
                        rule.matchFingerprint,
                        Map.copyOf(rule.matchAttributes)),
                new RuleRequest.Guard(rule.threshold, rule.windowSeconds, rule.cooldownSeconds, rule.maxAttempts),
                new RuleRequest.Action(rule.actionType, Map.copyOf(rule.actionParams)),
                rule.verifyQuietSeconds == null ? null : new RuleRequest.Verify(rule.verifyQuietSeconds),
                rule.createdAt,
                rule.updatedAt,
                rule.createdBy,
                rule.updatedBy);
    }
}
