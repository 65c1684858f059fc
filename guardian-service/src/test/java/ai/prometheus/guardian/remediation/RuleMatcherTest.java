package ai.prometheus.guardian.remediation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleMatcherTest {

    private static RemediationRule rule(
            String service, String errorType, String fingerprint, Map<String, String> attributes) {
        RemediationRule rule = new RemediationRule();
        rule.matchService = service;
        rule.matchErrorType = errorType;
        rule.matchFingerprint = fingerprint;
        rule.matchAttributes = attributes;
        return rule;
    }

    @Test
    void everyCriterionSetMustHold() {
        RemediationRule rule = rule("tool-registry-service", "tool.invocation.*", null, Map.of("tool", "weather-*"));
        assertTrue(RuleMatcher.matches(
                rule,
                "tool-registry-service",
                "tool.invocation.timeout_wall",
                "f",
                Map.of("tool", "weather-eu", "caller", "a")));
        assertFalse(RuleMatcher.matches(
                rule, "sandbox-service", "tool.invocation.timeout_wall", "f", Map.of("tool", "weather-eu")));
        assertFalse(RuleMatcher.matches(
                rule, "tool-registry-service", "tool.registry.error", "f", Map.of("tool", "weather-eu")));
        assertFalse(
                RuleMatcher.matches(rule, "tool-registry-service", "tool.invocation.x", "f", Map.of("tool", "maps")));
        assertFalse(
                RuleMatcher.matches(rule, "tool-registry-service", "tool.invocation.x", "f", Map.of()),
                "a missing attribute does not match");
    }

    @Test
    void unsetCriteriaMatchAnythingAndFingerprintsMatchExactly() {
        RemediationRule byFingerprint = rule(null, null, "abc123", Map.of());
        assertTrue(RuleMatcher.matches(byFingerprint, "any", "Any", "abc123", Map.of()));
        assertFalse(RuleMatcher.matches(byFingerprint, "any", "Any", "abc1234", Map.of()));
        assertTrue(RuleMatcher.matches(
                rule("*-service", null, null, Map.of()), "memory-guild-service", "E", "f", Map.of()));
    }
}
