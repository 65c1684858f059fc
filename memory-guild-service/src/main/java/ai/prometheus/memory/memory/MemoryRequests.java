package ai.prometheus.memory.memory;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

public final class MemoryRequests {

    static final String KIND_PATTERN = "[a-z][a-z0-9_.-]{0,63}";

    private MemoryRequests() {}

    /**
     * {@code POST /contexts/{id}/memories}. A memory with a {@code key} supersedes the current one
     * with that key in the context. {@code occurredAt} (ISO-8601 with offset) says when the
     * remembered event happened; it is text here so a malformed value gets a problem naming it.
     * {@code contextualEmbedding} embeds this memory with the one written before it in the context
     * (true) or alone (false), whatever the context chooses; absent, the context decides.
     */
    public record WriteMemory(
            @NotBlank String content,

            @Pattern(regexp = KIND_PATTERN, message = "must be a lower-case word such as note, fact or episode")
            String kind,

            @Size(min = 1, max = 256) String key,
            JsonNode metadata,
            @DecimalMin("0.0") @DecimalMax("1.0") Double importance,
            String occurredAt,
            Boolean contextualEmbedding) {}

    /**
     * {@code PATCH /contexts/{id}/memories/{memoryId}}: the fields present change. {@code occurredAt}
     * corrects when the event happened (a date learnt later); it is not cleared by null.
     */
    public record UpdateMemory(
            @Size(min = 1) String content,

            @Pattern(regexp = KIND_PATTERN, message = "must be a lower-case word such as note, fact or episode")
            String kind,

            JsonNode metadata,
            @DecimalMin("0.0") @DecimalMax("1.0") Double importance,
            String occurredAt) {}
}
