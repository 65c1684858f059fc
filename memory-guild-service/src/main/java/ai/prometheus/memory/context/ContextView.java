package ai.prometheus.memory.context;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A context as the API shows it; {@code access} is what the caller may do with it. */
public record ContextView(
        UUID id,
        String name,
        UUID parentContextId,
        UUID agentId,
        JsonNode contextData,
        JsonNode metadata,
        Boolean contextualEmbedding,
        String owner,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        String access) {

    static ContextView of(MemoryContext context, Access access) {
        return new ContextView(
                context.id,
                context.name,
                context.parentContextId,
                context.agentId,
                context.contextData,
                context.metadata,
                context.contextualEmbedding,
                context.owner,
                context.createdAt,
                context.updatedAt,
                access == null ? null : access.label());
    }

    /** One step of a lineage: where inherited memories come from. */
    public record Step(UUID contextId, String name, int depth, String access) {

        public static Step of(LineageEntry entry) {
            return new Step(
                    entry.id(), entry.name(), entry.depth(), entry.access().label());
        }
    }
}
