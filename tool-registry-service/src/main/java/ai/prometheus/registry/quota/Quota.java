package ai.prometheus.registry.quota;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** The quotas a tool's managers set on it. */
@Entity
@Table(name = "tool_quotas")
public class Quota {

    @Id
    public UUID toolId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public QuotaLimits limits;

    @Column(nullable = false)
    public OffsetDateTime updatedAt;

    @Column(nullable = false)
    public String updatedBy;
}
