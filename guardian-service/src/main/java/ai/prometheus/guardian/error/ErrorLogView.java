package ai.prometheus.guardian.error;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * An error log entry as the API shows it. {@code reportedBy}: who reported it over HTTP (null for
 * the suite's own events); {@code trusted}: whether remediation rules judge it.
 */
public record ErrorLogView(
        UUID id,
        String service,
        String errorType,
        String errorMessage,
        String stackTrace,
        String traceId,
        Map<String, String> attributes,
        boolean fixApplied,
        OffsetDateTime occurredAt,
        OffsetDateTime createdAt,
        String eventId,
        UUID groupId,
        String reportedBy,
        boolean trusted) {

    public static ErrorLogView of(ErrorLog log) {
        return new ErrorLogView(
                log.id,
                log.service,
                log.errorType,
                log.errorMessage,
                log.stackTrace,
                log.traceId,
                log.attributes,
                log.fixApplied,
                log.occurredAt,
                log.createdAt,
                log.eventId,
                log.groupId,
                log.reportedBy,
                log.trusted);
    }
}
