package ai.prometheus.guardian.remediation;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** "When errors like these happen this often, do that, then check it helped." */
@Entity
@Table(name = "remediation_rules")
public class RemediationRule extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    public String description;

    @Column(nullable = false)
    public boolean enabled;

    /** Glob on the error's service; null matches any. */
    @Column(name = "match_service")
    public String matchService;

    /** Glob on the error type; null matches any. */
    @Column(name = "match_error_type")
    public String matchErrorType;

    /** Exact fingerprint of one group; null matches any. */
    @Column(name = "match_fingerprint")
    public String matchFingerprint;

    /** Attribute name to glob; every one must match. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "match_attributes", nullable = false)
    public Map<String, String> matchAttributes;

    @Column(nullable = false)
    public int threshold;

    @Column(name = "window_seconds", nullable = false)
    public int windowSeconds;

    @Column(name = "cooldown_seconds", nullable = false)
    public int cooldownSeconds;

    @Column(name = "max_attempts", nullable = false)
    public int maxAttempts;

    @Column(name = "action_type", nullable = false)
    public String actionType;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "action_params", nullable = false)
    public Map<String, String> actionParams;

    /** Seconds without a new event after the action for it to count as a fix; null: not verified. */
    @Column(name = "verify_quiet_seconds")
    public Integer verifyQuietSeconds;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;
}
