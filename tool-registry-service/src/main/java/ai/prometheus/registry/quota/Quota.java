package ai.prometheus.registry.quota;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
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
public class Quota extends PanacheEntityBase {

    @Id
    @Column(name = "tool_id")
    public UUID toolId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public QuotaLimits limits;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;
}
