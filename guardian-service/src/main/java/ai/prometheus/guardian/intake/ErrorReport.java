package ai.prometheus.guardian.intake;

import ai.prometheus.shared.event.ErrorReported;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Body of POST /errors: the fields of an {@link ErrorReported} event, for clients outside the
 * suite. {@code eventId} (or the {@code Idempotency-Key} header) makes a retried report count once.
 */
public record ErrorReport(
        String service,
        String errorType,
        String errorMessage,
        String stackTrace,
        String traceId,
        Map<String, String> attributes,
        OffsetDateTime occurredAt,
        String eventId) {

    ErrorReported toEvent() {
        return new ErrorReported(
                service,
                errorType,
                errorMessage,
                stackTrace,
                traceId,
                attributes,
                occurredAt == null ? null : occurredAt.toInstant());
    }
}
