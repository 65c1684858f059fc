package ai.prometheus.shared.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * Something went wrong in a service (or in a client of the suite) and the guardian should know.
 *
 * @param service the service that caught the error, such as {@code sandbox-service}
 * @param errorType a stable type name, such as the exception class or {@code sandbox.internal}
 * @param errorMessage the human-readable message
 * @param stackTrace the stack trace, if there is one
 * @param traceId the W3C trace id of the failing operation, if any
 * @param attributes free-form context: tool name, invocation id, HTTP route, ...
 * @param occurredAt when it happened
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorReported(
        String service,
        String errorType,
        String errorMessage,
        String stackTrace,
        String traceId,
        Map<String, String> attributes,
        Instant occurredAt) {

    public ErrorReported {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
