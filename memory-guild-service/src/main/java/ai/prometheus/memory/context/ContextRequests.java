package ai.prometheus.memory.context;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Request bodies of the context and share endpoints. */
public final class ContextRequests {

    private ContextRequests() {}

    /** {@code POST /contexts}: every field is optional; without a parent the context is a root. */
    public record CreateContext(
            @Size(max = 200) String name,
            UUID parentContextId,
            UUID agentId,
            JsonNode contextData,
            JsonNode metadata,
            Boolean contextualEmbedding) {}

    /** {@code PUT /contexts/{id}/shares}: grant (or change the grant of) one grantee. */
    public record GrantShare(
            @NotNull @Pattern(regexp = "user|agent|group", message = "must be user, agent or group")
            String granteeType,

            @NotBlank @Size(max = 255) String grantee,

            @NotNull @Pattern(regexp = "read|write", message = "must be read or write")
            String access,

            OffsetDateTime expiresAt) {}
}
