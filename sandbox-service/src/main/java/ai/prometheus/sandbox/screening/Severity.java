package ai.prometheus.sandbox.screening;

import java.util.Locale;

/** How dangerous a finding is; the policy refuses from a configured severity up. */
public enum Severity {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
