package ai.prometheus.registry.permission;

/** Whether a caller may do something with a tool, and why: the why goes to the audit log. */
public record AccessDecision(boolean allowed, String reason) {

    public static AccessDecision allow(String reason) {
        return new AccessDecision(true, reason);
    }

    public static AccessDecision deny(String reason) {
        return new AccessDecision(false, reason);
    }
}
