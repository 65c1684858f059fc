package ai.prometheus.registry.discovery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;

/** A tool in a discovery listing: enough to decide to call it, and to call it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolSummary(
        String name,
        String description,
        List<String> tags,
        String owner,
        String status,
        String statusReason,
        int currentVersion,
        String fingerprint,
        JsonNode functionSignature,
        JsonNode mcp,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        Double score) {
}
