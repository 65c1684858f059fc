package ai.prometheus.memory.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The portable backup file: gzip-compressed JSON lines. The first line is the {@link Header};
 * then one line per context (parents before children), memory and share, each with a
 * {@code type}; the last line is the {@link Trailer} with the counts, so a truncated file is
 * recognised. A memory's {@code occurredAt} is absent in files written before it existed; such
 * memories restore as having happened when they were created. A memory's
 * {@code contextualEmbedding} is present only when its write chose it. Embeddings travel as base64 float32 little-endian with the id of their model.
 */
public final class BackupFormat {

    public static final String FORMAT = "prometheus-memory-backup";
    public static final int VERSION = 1;

    private BackupFormat() {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Header(
            String format,
            int version,
            OffsetDateTime createdAt,
            String embeddingModel,
            int dimensions,
            List<UUID> roots,
            String source) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ContextRecord(
            String type,
            UUID id,
            UUID parentContextId,
            UUID agentId,
            String name,
            String owner,
            JsonNode contextData,
            JsonNode metadata,
            OffsetDateTime createdAt,
            OffsetDateTime updatedAt,
            Boolean contextualEmbedding) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MemoryRecord(
            String type,
            UUID id,
            UUID contextId,
            String content,
            String kind,
            String key,
            JsonNode metadata,
            double importance,
            String contentHash,
            String sourceRef,
            String createdBy,
            OffsetDateTime createdAt,
            OffsetDateTime updatedAt,
            OffsetDateTime supersededAt,
            UUID supersededBy,
            String embedding,
            String embeddingModel,
            OffsetDateTime occurredAt,
            Boolean contextualEmbedding) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ShareRecord(
            String type,
            UUID id,
            UUID contextId,
            String granteeType,
            String grantee,
            String access,
            OffsetDateTime expiresAt,
            String createdBy,
            OffsetDateTime createdAt) {}

    public record Trailer(String type, long contexts, long memories, long shares) {}

    static final String CONTEXT = "context";
    static final String MEMORY = "memory";
    static final String SHARE = "share";
    static final String END = "end";
}
