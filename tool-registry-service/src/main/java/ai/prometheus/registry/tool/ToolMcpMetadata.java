package ai.prometheus.registry.tool;

import ai.prometheus.registry.schema.FunctionSignatures;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * How a tool presents itself to MCP hosts ({@code "mcp"} in a tool definition): a human-readable
 * {@code title}, {@code icons}, behaviour {@code annotations} the owner vouches for, and an
 * {@code outputSchema} its structured results must follow (checked on every MCP call).
 * {@code openWorldHint} is not the owner's to set: it is derived from the network policy, true
 * exactly when the tool may connect somewhere. {@code taskSupport} says whether an MCP client may
 * run the tool as a task (asynchronously, polled): {@code optional} (the default), {@code required}
 * (only as a task) or {@code forbidden} (always answered at once).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolMcpMetadata(
        @Size(max = 200) String title,
        @Size(max = 10) List<@NotNull @Valid Icon> icons,
        Annotations annotations,
        JsonNode outputSchema,

        @Pattern(regexp = "forbidden|optional|required", message = "must be forbidden, optional or required")
        String taskSupport) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An icon: an https or data: URI, with its media type and sizes ("48x48", "any"). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Icon(
            @NotBlank @Size(max = 65_536) String src,
            @Size(max = 100) String mimeType,
            @Size(max = 10) List<@Size(max = 20) String> sizes) {}

    /** What the owner says about the tool's effects; hosts use it to decide what needs confirmation. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Annotations(Boolean readOnlyHint, Boolean destructiveHint, Boolean idempotentHint) {}

    /** What is wrong beyond field constraints: the icon URIs and the output schema. */
    public List<FieldError> problems(FunctionSignatures signatures) {
        List<FieldError> problems = new ArrayList<>();
        if (icons != null) {
            for (int i = 0; i < icons.size(); i++) {
                String src = icons.get(i) == null ? null : icons.get(i).src();
                if (src != null && !src.startsWith("https://") && !src.startsWith("data:image/")) {
                    problems.add(
                            new FieldError("mcp.icons[" + i + "].src", "must be an https: URL or a data:image/ URI"));
                }
            }
        }
        if (outputSchema != null && !outputSchema.isNull()) {
            problems.addAll(signatures.problemsWith(outputSchema, "mcp.outputSchema"));
            if (outputSchema.isObject()
                    && !"object".equals(outputSchema.path("type").asText())) {
                problems.add(new FieldError(
                        "mcp.outputSchema.type", "must be \"object\": structured results are JSON objects"));
            }
        }
        return problems;
    }

    /** What a version stores: the owner's metadata plus the derived {@code openWorldHint}. */
    static JsonNode stored(ToolMcpMetadata mcp, NetworkPolicy network) {
        ObjectNode stored = mcp == null ? JSON.createObjectNode() : JSON.valueToTree(mcp);
        if (stored.path("outputSchema").isNull()) {
            stored.remove("outputSchema");
        }
        JsonNode annotations = stored.get("annotations");
        ObjectNode derived = annotations instanceof ObjectNode object ? object : stored.putObject("annotations");
        derived.put("openWorldHint", NetworkPolicy.grantsAny(network));
        return stored;
    }
}
