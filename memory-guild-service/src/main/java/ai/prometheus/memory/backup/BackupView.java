package ai.prometheus.memory.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A backup as the API shows it.
 *
 * @param status {@code running}, {@code completed} or {@code failed}
 * @param origin {@code manual}, {@code scheduled} or {@code upload}
 * @param rootContextId the context whose tree was backed up; null for a backup of every context
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupView(
        UUID id,
        String status,
        String origin,
        UUID rootContextId,
        String fileName,
        int formatVersion,
        String embeddingModel,
        Integer contexts,
        Integer memories,
        Integer shares,
        Long sizeBytes,
        String sha256,
        String createdBy,
        OffsetDateTime createdAt,
        OffsetDateTime completedAt,
        String error) {}
