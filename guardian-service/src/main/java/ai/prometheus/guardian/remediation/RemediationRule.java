package ai.prometheus.guardian.remediation;

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
public class RemediationRule {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    public String description;

    @Column(nullable = false)
    public boolean enabled;

    /** Glob on the error's service; null matches any. */
    public String matchService;

    /** Glob on the error type; null matches any. */
    public String matchErrorType;

    /** Exact fingerprint of one group; null matches any. */
    public String matchFingerprint;

    /** Attribute name to glob; every one must match. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> matchAttributes;

    @Column(nullable = false)
    public int threshold;

    @Column(nullable = false)
    public int windowSeconds;

    @Column(nullable = false)
    public int cooldownSeconds;

    @Column(nullable = false)
    public int maxAttempts;

    @Column(nullable = false)
    public String actionType;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> actionParams;

    /** Seconds without a new event after the action for it to count as a fix; null: not verified. */
    public Integer verifyQuietSeconds;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    @Column(nullable = false)
    public OffsetDateTime updatedAt;

    @Column(nullable = false)
    public String createdBy;

    @Column(nullable = false)
    public String updatedBy;
}
