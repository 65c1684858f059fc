package ai.prometheus.shared.event;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The arguments of a tool invocation as the events carry them: compact JSON cut to a length, for
 * episodic memory and audit; never the whole payload, which may be large.
 */
public final class ArgumentsSummary {

    private ArgumentsSummary() {}

    /** At most {@code maxChars} characters, the last being {@code …} when the JSON was cut. */
    public static String of(JsonNode arguments, int maxChars) {
        if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
            return "{}";
        }
        String text = arguments.toString();
        return text.length() <= maxChars ? text : text.substring(0, Math.max(0, maxChars - 1)) + "…";
    }
}
