package ai.prometheus.registry.discovery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A tool in a discovery listing: enough to decide to call it, and to call it. The function
 * signature and the MCP presentation stay the JSON text Postgres gave and are written into the
 * answer as they are: parsing every listed tool's schema was a measurable part of a listing's cost.
 */
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
        @JsonProperty("functionSignature") @JsonRawValue String functionSignatureJson,
        @JsonProperty("mcp") @JsonRawValue String mcpJson,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        Double score) {

    private static final ObjectMapper READER = new ObjectMapper();

    /**
     * The signature as a tree, for the few readers that transform it (exports, MCP); parsed on each
     * call. Not a record component, so Jackson does not write it.
     */
    public JsonNode functionSignature() {
        return parse(functionSignatureJson, "function signature");
    }

    /** The MCP presentation (title, annotations, outputSchema...) as a tree; null if the tool has none. */
    public JsonNode mcp() {
        return parse(mcpJson, "MCP metadata");
    }

    private JsonNode parse(String text, String what) {
        if (text == null) {
            return null;
        }
        try {
            return READER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + what + " of tool " + name, e);
        }
    }
}
