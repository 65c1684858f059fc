package ai.prometheus.registry.audit;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One decision about a tool: who asked for what, when, whether it was allowed, and why. */
@Entity
@Table(name = "audit_log")
public class AuditEntry {

    @Id
    public UUID id;

    @Column(nullable = false)
    public OffsetDateTime at;

    @Column(nullable = false)
    public String actor;

    @Column(nullable = false)
    public String actorKind;

    @Column(nullable = false)
    public String action;

    public String toolName;

    @Column(nullable = false)
    public String decision;

    @Column(nullable = false)
    public String reason;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public JsonNode details;

    public String traceId;
}
