package ai.prometheus.registry.tool;

import ai.prometheus.registry.permission.ToolAcl;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request bodies of the tool endpoints. */
public final class ToolRequests {

    public static final int MAX_DESCRIPTION = 4_000;
    public static final int MAX_CODE = 256 * 1024;
    public static final int MAX_TAGS = 20;
    public static final int MAX_SECRETS = 50;

    private ToolRequests() {}

    /** {@code POST /tools}. */
    public record Register(
            @ValidToolName String name,
            @Size(max = MAX_DESCRIPTION) String description,
            @Size(max = MAX_TAGS) List<@NotBlank @Size(max = 64) String> tags,
            JsonNode functionSignature,
            @NotNull @Valid Implementation implementation,
            @Valid ToolAcl permissions,
            @Valid ToolMcpMetadata mcp) {}

    /** {@code PUT /tools/{name}}: the whole new definition; it becomes a new version. */
    public record Update(
            @Size(max = MAX_DESCRIPTION) String description,
            @Size(max = MAX_TAGS) List<@NotBlank @Size(max = 64) String> tags,
            JsonNode functionSignature,
            @NotNull @Valid Implementation implementation,
            @Valid ToolMcpMetadata mcp) {}

    /**
     * How the tool runs: its code in one of the sandbox's languages, with default limits for its runs,
     * and the names of the secrets its runs get as environment variables.
     * The code receives the arguments as one JSON document on stdin and prints its result on stdout.
     * {@code network}: the hosts and ports it may connect to (absent or empty: none).
     */
    public record Implementation(
            @NotBlank @SupportedLanguage String language,
            @NotBlank @Size(max = MAX_CODE) String code,
            @Valid ExecutionLimits limits,
            NetworkPolicy network,
            @Size(max = MAX_SECRETS) List<String> secrets) {

        public Implementation(String language, String code, ExecutionLimits limits) {
            this(language, code, limits, null, null);
        }
    }

    /** {@code PUT /tools/{name}/status}. */
    public record StatusChange(
            @NotNull ToolStatus status, @Size(max = 1000) String reason) {}
}
