package ai.prometheus.memory.context;

import ai.prometheus.shared.problem.ProblemException;
import java.util.Locale;

/** Which contexts a read or search covers. */
public enum Scope {
    /** The context alone. */
    CONTEXT,
    /** The context and the ancestors the caller may see, nearest first; a child's key shadows an ancestor's. */
    LINEAGE,
    /** The lineage plus every context shared directly with the caller. */
    SHARED;

    public static Scope parse(String field, String value, Scope fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField(field, "must be context, lineage or shared");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
