package ai.prometheus.shared.security;

import java.util.Locale;

/** Who holds the token: a person, an AI agent, or one of the suite's services. */
public enum PrincipalKind {
    USER,
    AGENT,
    SERVICE;

    public static PrincipalKind fromClaim(String value) {
        if (value == null) {
            return USER;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "agent" -> AGENT;
            case "service" -> SERVICE;
            default -> USER;
        };
    }
}
