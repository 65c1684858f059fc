package ai.prometheus.registry.tool;

import ai.prometheus.registry.permission.ToolAcl;
import ai.prometheus.registry.permission.ToolOwnership;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A registered tool (the seed's {@code tool_registry} row). Description, signature, tags,
 * language and fingerprint mirror its current {@link ToolVersion}; the code lives in the versions.
 */
@Entity
@Table(name = "tool_registry")
public class Tool {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    public String description;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode functionSignature;

    /** The per-tool ACL; see {@link ToolAcl}. */
    @JdbcTypeCode(SqlTypes.JSON)
    public ToolAcl permissions;

    /** MCP presentation: title, icons, annotations, outputSchema (see ToolMcpMetadata). */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode mcp;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    @Column(nullable = false)
    public String owner;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] tags;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ToolStatus status;

    public String statusReason;

    @Column(nullable = false)
    public int currentVersion;

    @Column(nullable = false)
    public String language;

    @Column(nullable = false)
    public String fingerprint;

    @Column(nullable = false)
    public OffsetDateTime updatedAt;

    public OffsetDateTime deletedAt;

    /** The owner and ACL that decide who may read, invoke and manage this tool. */
    public ToolOwnership ownership() {
        return new ToolOwnership(name, owner, permissions);
    }
}
