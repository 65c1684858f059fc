package ai.prometheus.guardian.error;

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
public class ErrorLog {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String errorType;

    public String errorMessage;

    @Column(nullable = false)
    public boolean fixApplied;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    @Column(nullable = false)
    public String service;

    public String stackTrace;

    public String traceId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> attributes;

    @Column(nullable = false)
    public OffsetDateTime occurredAt;

    @Column(nullable = false, unique = true)
    public String eventId;

    /** Null for errors stored before grouping existed. */
    public UUID groupId;

    public String fingerprint;

    public Integer fingerprintVersion;

    /** The subject of the token that reported it over HTTP; null for events from the suite's Kafka topics. */
    public String reportedBy;

    /**
     * Whether its origin is authenticated for {@link #service}: events from the suite's topics and
     * reports by that service's own token. Only trusted errors drive remediation rules.
     */
    @Column(nullable = false)
    public boolean trusted;

    /** The remediation action that set (or would set) {@code fixApplied}. */
    public UUID remediationActionId;
}
