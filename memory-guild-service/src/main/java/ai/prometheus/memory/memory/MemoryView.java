package ai.prometheus.memory.memory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A memory as the API shows it. {@code depth} says where it was found relative to the context
 * that was read: 0 is the context itself, 1 its parent, and so on. {@code embedding} is
 * {@code pending} until semantic search can find the memory, then {@code ready}.
 * {@code contextualEmbedding} appears when the write chose it for this memory.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemoryView(
        UUID id,
        UUID contextId,
        Integer depth,
        String content,
        String kind,
        String key,
        JsonNode metadata,
        double importance,
        String embedding,
        String createdBy,
        OffsetDateTime createdAt,
        OffsetDateTime occurredAt,
        OffsetDateTime updatedAt,
        OffsetDateTime supersededAt,
        UUID supersededBy,
        Boolean contextualEmbedding) {

    public static MemoryView of(Memory memory, Integer depth) {
        return new MemoryView(
                memory.id,
                memory.contextId,
                depth,
                memory.content,
                memory.kind,
                memory.key,
                memory.metadata,
                decimal(memory.importance),
                memory.needsEmbedding ? "pending" : "ready",
                memory.createdBy,
                memory.createdAt,
                memory.occurredAt,
                memory.updatedAt,
                memory.supersededAt,
                memory.supersededBy,
                memory.contextualEmbedding);
    }

    /** A stored {@code real} as the decimal it was written as (0.9, not 0.8999999761581421). */
    public static double decimal(float value) {
        return Double.parseDouble(Float.toString(value));
    }

    public MemoryView withDepth(Integer newDepth) {
        return new MemoryView(
                id,
                contextId,
                newDepth,
                content,
                kind,
                key,
                metadata,
                importance,
                embedding,
                createdBy,
                createdAt,
                occurredAt,
                updatedAt,
                supersededAt,
                supersededBy,
                contextualEmbedding);
    }
}
