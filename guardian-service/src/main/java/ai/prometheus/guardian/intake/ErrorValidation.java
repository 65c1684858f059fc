package ai.prometheus.guardian.intake;

import ai.prometheus.guardian.config.GuardianConfig;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.problem.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The limits every reported error must respect, whether it arrives over Kafka or HTTP: the same
 * rules, named by the same JSON fields, so a client learns exactly what to fix.
 */
@ApplicationScoped
public class ErrorValidation {

    static final int MAX_SERVICE = 128;
    static final int MAX_TYPE = 255;
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

    private final GuardianConfig.Intake limits;

    public ErrorValidation(GuardianConfig config) {
        this.limits = config.intake();
    }

    public List<FieldError> problems(ErrorReported error) {
        return problems(
                error.service(),
                error.errorType(),
                error.errorMessage(),
                error.stackTrace(),
                error.traceId(),
                error.attributes());
    }

    public List<FieldError> problems(
            String service,
            String errorType,
            String errorMessage,
            String stackTrace,
            String traceId,
            Map<String, String> attributes) {
        List<FieldError> problems = new ArrayList<>();
        required(problems, "service", service, MAX_SERVICE);
        required(problems, "errorType", errorType, MAX_TYPE);
        if (errorMessage != null && errorMessage.length() > limits.maxMessageChars()) {
            problems.add(new FieldError("errorMessage", tooLong(errorMessage, limits.maxMessageChars())));
        }
        if (stackTrace != null && stackTrace.length() > limits.maxStackTraceChars()) {
            problems.add(new FieldError("stackTrace", tooLong(stackTrace, limits.maxStackTraceChars())));
        }
        if (traceId != null
                && (!TRACE_ID.matcher(traceId).matches() || traceId.chars().allMatch(c -> c == '0'))) {
            problems.add(new FieldError("traceId", "must be a W3C trace id: 32 lowercase hex digits, not all zero"));
        }
        if (attributes != null) {
            if (attributes.size() > limits.maxAttributes()) {
                problems.add(new FieldError(
                        "attributes",
                        "has " + attributes.size() + " entries; at most " + limits.maxAttributes() + " are accepted"));
            }
            attributes.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .limit(limits.maxAttributes() + 1L)
                    .forEach(entry -> {
                        String key = entry.getKey();
                        if (key.isBlank() || key.length() > limits.maxAttributeKeyChars()) {
                            problems.add(new FieldError(
                                    "attributes",
                                    "keys must have 1 to " + limits.maxAttributeKeyChars() + " characters"));
                        } else if (entry.getValue() == null) {
                            problems.add(new FieldError("attributes." + key, "must be a string, not null"));
                        } else if (entry.getValue().length() > limits.maxAttributeValueChars()) {
                            problems.add(new FieldError(
                                    "attributes." + key, tooLong(entry.getValue(), limits.maxAttributeValueChars())));
                        }
                    });
        }
        return problems;
    }

    /** One line naming every problem, for a dead-letter reason. */
    public static String describe(List<FieldError> problems) {
        return String.join(
                "; ", problems.stream().map(p -> p.field() + ": " + p.reason()).toList());
    }

    private static void required(List<FieldError> problems, String field, String value, int max) {
        if (value == null || value.isBlank()) {
            problems.add(new FieldError(field, "is required"));
        } else if (value.length() > max) {
            problems.add(new FieldError(field, tooLong(value, max)));
        }
    }

    private static String tooLong(String value, int max) {
        return "has " + value.length() + " characters; at most " + max + " are accepted";
    }
}
