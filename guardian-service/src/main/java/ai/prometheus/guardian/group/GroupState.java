package ai.prometheus.guardian.group;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where an issue stands. {@code regressed} is never chosen by a person: a new event on a resolved
 * group puts it there.
 */
public enum GroupState {
    OPEN,
    ACKNOWLEDGED,
    RESOLVED,
    IGNORED,
    REGRESSED;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static GroupState of(String value) {
        for (GroupState state : values()) {
            if (state.value().equals(value)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown state " + value);
    }

    /** States a person may set; regressed is the guardian's to set. */
    public boolean settable() {
        return this != REGRESSED;
    }
}
