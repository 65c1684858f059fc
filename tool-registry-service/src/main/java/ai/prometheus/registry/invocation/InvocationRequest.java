package ai.prometheus.registry.invocation;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;

/**
 * {@code POST /tools/{name}/invocations}.
 *
 * @param arguments the tool's arguments, validated against its function signature
 * @param mode {@code sync} (default: wait for the result) or {@code async} (202, then poll
 *     {@code GET /invocations/{id}})
 * @param memoryContextId a memory context that records this invocation as an episode
 * @param fingerprint pin: fail with 409 unless the tool's current fingerprint is this one
 */
public record InvocationRequest(
        JsonNode arguments,

        @Pattern(regexp = "(?i)sync|async", message = "must be sync or async")
        String mode,

        UUID memoryContextId,
        String fingerprint) {

    public boolean async() {
        return mode != null && mode.equalsIgnoreCase("async");
    }
}
