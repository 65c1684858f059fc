package ai.prometheus.registry.tool;

import ai.prometheus.registry.permission.ToolAcl;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** What the tool endpoints answer. */
public final class ToolViews {

    private ToolViews() {}

    /** A tool with its current definition and the list of its versions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(
            UUID id,
            String name,
            String description,
            List<String> tags,
            String owner,
            ToolStatus status,
            String statusReason,
            int currentVersion,
            String fingerprint,
            JsonNode functionSignature,
            JsonNode mcp,
            ImplementationView implementation,
            ToolAcl permissions,
            OffsetDateTime createdAt,
            OffsetDateTime updatedAt,
            List<VersionSummary> versions) {

        /** The same tool without its ACL, as readers who may not manage it see it. */
        Detail withoutPermissions() {
            return new Detail(
                    id,
                    name,
                    description,
                    tags,
                    owner,
                    status,
                    statusReason,
                    currentVersion,
                    fingerprint,
                    functionSignature,
                    mcp,
                    implementation,
                    null,
                    createdAt,
                    updatedAt,
                    versions);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ImplementationView(
            String language, String code, ExecutionLimits limits, NetworkPolicy network, List<String> secrets) {

        static ImplementationView of(ToolVersion version) {
            return new ImplementationView(
                    version.language, version.code, version.limits, version.network, version.secretNames());
        }
    }

    public record VersionSummary(int version, String fingerprint, String createdBy, OffsetDateTime createdAt) {}

    /** One full version, as it was registered. */
    public record Version(
            int version,
            String fingerprint,
            String description,
            List<String> tags,
            JsonNode functionSignature,
            JsonNode mcp,
            ImplementationView implementation,
            String createdBy,
            OffsetDateTime createdAt) {}

    static Detail detail(Tool tool, ToolVersion current, List<ToolVersion> versions, boolean showAcl) {
        return new Detail(
                tool.id,
                tool.name,
                tool.description,
                List.of(tool.tags),
                tool.owner,
                tool.status,
                tool.statusReason,
                tool.currentVersion,
                tool.fingerprint,
                tool.functionSignature,
                current.mcp,
                ImplementationView.of(current),
                showAcl ? tool.permissions : null,
                tool.createdAt,
                tool.updatedAt,
                versions.stream()
                        .map(v -> new VersionSummary(v.version, v.fingerprint, v.createdBy, v.createdAt))
                        .toList());
    }

    static Version version(ToolVersion version) {
        return new Version(
                version.version,
                version.fingerprint,
                version.description,
                List.of(version.tags),
                version.functionSignature,
                version.mcp,
                ImplementationView.of(version),
                version.createdBy,
                version.createdAt);
    }
}
