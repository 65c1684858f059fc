package ai.prometheus.guardian.remediation;

import ai.prometheus.shared.util.Glob;
import java.util.Map;

/** Whether an error falls under a rule's match; every criterion set must hold. */
final class RuleMatcher {

    private RuleMatcher() {}

    static boolean matches(
            RemediationRule rule,
            String service,
            String errorType,
            String fingerprint,
            Map<String, String> attributes) {
        if (rule.matchService != null && !Glob.matches(rule.matchService, service)) {
            return false;
        }
        if (rule.matchErrorType != null && !Glob.matches(rule.matchErrorType, errorType)) {
            return false;
        }
        if (rule.matchFingerprint != null && !rule.matchFingerprint.equals(fingerprint)) {
            return false;
        }
        for (Map.Entry<String, String> wanted : rule.matchAttributes.entrySet()) {
            String actual = attributes.get(wanted.getKey());
            if (actual == null || !Glob.matches(wanted.getValue(), actual)) {
                return false;
            }
        }
        return true;
    }
}
