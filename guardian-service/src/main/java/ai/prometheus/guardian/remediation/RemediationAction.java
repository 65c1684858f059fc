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

/** One action the guardian took or asked another service to take, and what came of it. */
@Entity
@Table(name = "remediation_actions")
public class RemediationAction {

    public static final String PENDING = "pending";
    public static final String APPLIED = "applied";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";
    public static final String REVERTED = "reverted";

    public static final String VERIFY_NONE = "none";
    public static final String VERIFY_PENDING = "pending";
    public static final String VERIFY_PASSED = "passed";
    public static final String VERIFY_FAILED = "failed";

    @Id
    public UUID id;

    public UUID ruleId;

    /** Kept so the record still says which rule acted after the rule is deleted. */
    public String ruleName;

    public UUID groupId;

    @Column(nullable = false)
    public String actionType;

    /** What was acted on, such as the tool name; null for a webhook. */
    public String target;

    /** The tool the triggering errors came from, if any: guards and verification count only its errors. */
    public String scope;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> params;

    @Column(nullable = false)
    public int attempt;

    @Column(nullable = false)
    public String status;

    public String resultMessage;

    public UUID triggerErrorId;

    /** {@code rule:<name>} for automatic actions, the caller's subject otherwise. */
    @Column(nullable = false)
    public String requestedBy;

    public UUID revertsActionId;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    public OffsetDateTime completedAt;

    @Column(nullable = false)
    public String verification;

    public OffsetDateTime verifyUntil;

    @Column(nullable = false)
    public int dispatchAttempts;

    public OffsetDateTime dispatchedAt;

    /**
     * Whether applying it changed the target, as the acting service said: false when the target
     * was already in that state (a tool someone else had disabled), so a revert leaves it alone;
     * null when not known.
     */
    public Boolean changedTarget;

    public boolean isRevert() {
        return revertsActionId != null;
    }
}
