package ai.prometheus.guardian.error;

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

/** One error as it arrived, from any service of the suite or from an outside client. */
@Entity
@Table(name = "error_logs")
public class ErrorLog extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "error_type", nullable = false)
    public String errorType;

    @Column(name = "error_message")
    public String errorMessage;

    @Column(name = "fix_applied", nullable = false)
    public boolean fixApplied;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(nullable = false)
    public String service;

    @Column(name = "stack_trace")
    public String stackTrace;

    @Column(name = "trace_id")
    public String traceId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> attributes;

    @Column(name = "occurred_at", nullable = false)
    public OffsetDateTime occurredAt;

    @Column(name = "event_id", nullable = false, unique = true)
    public String eventId;

    /** Null for errors stored before grouping existed. */
    @Column(name = "group_id")
    public UUID groupId;

    @Column(name = "fingerprint")
    public String fingerprint;

    @Column(name = "fingerprint_version")
    public Integer fingerprintVersion;

    /** The subject of the token that reported it over HTTP; null for events from the suite's Kafka topics. */
    @Column(name = "reported_by")
    public String reportedBy;

    /**
     * Whether its origin is authenticated for {@link #service}: events from the suite's topics and
     * reports by that service's own token. Only trusted errors drive remediation rules.
     */
    @Column(nullable = false)
    public boolean trusted;

    /** The remediation action that set (or would set) {@code fixApplied}. */
    @Column(name = "remediation_action_id")
    public UUID remediationActionId;
}
