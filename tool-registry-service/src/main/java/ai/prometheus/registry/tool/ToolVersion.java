package ai.prometheus.registry.tool;

import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One immutable version of a tool: what it says it does, its signature and its code. */
@Entity
@Table(name = "tool_versions")
public class ToolVersion {

    @Id
    public UUID id;

    @Column(nullable = false)
    public UUID toolId;

    @Column(nullable = false)
    public int version;

    public String description;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] tags;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public JsonNode functionSignature;

    /** MCP presentation: title, icons, annotations, outputSchema (see ToolMcpMetadata). */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode mcp;

    @Column(nullable = false)
    public String language;

    @Column(nullable = false)
    public String code;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public ExecutionLimits limits;

    /** Where the version's runs may connect (canonical form); null: no network. Part of the fingerprint. */
    @JdbcTypeCode(SqlTypes.JSON)
    public NetworkPolicy network;

    /** The names of the secrets its runs get as environment variables. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] secrets;

    @Column(nullable = false)
    public String fingerprint;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    @Column(nullable = false)
    public String createdBy;

    public List<String> secretNames() {
        return secrets == null ? List.of() : List.of(secrets);
    }
}
