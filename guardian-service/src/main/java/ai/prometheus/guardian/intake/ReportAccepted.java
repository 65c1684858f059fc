package ai.prometheus.guardian.intake;

import java.util.UUID;

/**
 * Answer to POST /errors.
 *
 * @param duplicate true when this report was received before under the same key; nothing changed
 */
public record ReportAccepted(UUID id, UUID groupId, String eventId, boolean duplicate) {}
