package ai.prometheus.sandbox.execution;

import ai.prometheus.shared.event.CallerClaims;
import ai.prometheus.shared.sandbox.EgressConnection;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One run of code: what was asked, by whom, under which limits, and how it ended. */
@Entity
@Table(name = "executions")
public class Execution {

    /** The status of a row whose run is still under way. */
    public static final String RUNNING = "RUNNING";

    public static final String SOURCE_API = "api";
    public static final String SOURCE_KAFKA = "kafka";
    /** Unique (principal, idempotency_key): one run per caller and key. */
    public static final String IDEMPOTENCY_CONSTRAINT = "executions_idempotency_uq";
    /** Unique invocation_id: one run per tool invocation. */
    public static final String INVOCATION_CONSTRAINT = "executions_invocation_uq";

    @Id
    public UUID id;

    @Column(nullable = false)
    public String source;

    @Column(nullable = false)
    public String language;

    @Column(nullable = false)
    public String status;

    public Integer exitCode;

    public Integer signal;

    public String message;

    public String stdout;

    /** The whole stdout of an asynchronous invocation whose result event carries only its start. */
    public String result;

    public String stderr;

    @Column(nullable = false)
    public boolean stdoutTruncated;

    @Column(nullable = false)
    public boolean stderrTruncated;

    public Long wallMs;

    public Long cpuMs;

    public Long peakMemoryBytes;

    public Long outputBytes;

    public Boolean warm;

    @Column(nullable = false)
    public long limitCpuMs;

    @Column(nullable = false)
    public long limitWallMs;

    @Column(nullable = false)
    public int limitMemoryMb;

    @Column(nullable = false)
    public int limitMaxProcesses;

    @Column(nullable = false)
    public long limitOutputBytes;

    @Column(nullable = false)
    public int limitDiskMb;

    /** For tool invocations: the caller's kind, groups and permissions, as the request carried them. */
    /** The network policy of a run that had one (canonical form), else null. */
    @JdbcTypeCode(SqlTypes.JSON)
    public NetworkPolicy network;

    public Long limitEgressBytes;

    public Integer limitEgressConnections;

    /** Every connection the run asked the egress proxy for; null for runs without a policy. */
    @JdbcTypeCode(SqlTypes.JSON)
    public EgressLog egress;

    /** The connections as stored: a JSON object, as the reactive driver binds JSON columns. */
    public record EgressLog(List<EgressConnection> connections) {}

    @JdbcTypeCode(SqlTypes.JSON)
    public CallerClaims callerClaims;

    /** The safety screen's verdict and findings; null when the screen is off. */
    @JdbcTypeCode(SqlTypes.JSON)
    public ExecutionResult.Screening screening;

    @Column(nullable = false)
    public String principal;

    public String onBehalfOf;

    public UUID sessionId;

    @Column(nullable = false)
    public String code;

    @Column(nullable = false)
    public String codeSha256;

    @Column(nullable = false)
    public int codeBytes;

    @Column(nullable = false)
    public int stdinBytes;

    public String idempotencyKey;

    public String requestHash;

    public UUID invocationId;

    public String toolName;

    public Integer toolVersion;

    public UUID memoryContextId;

    public String argumentsSummary;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    public OffsetDateTime startedAt;

    public OffsetDateTime finishedAt;

    public boolean running() {
        return RUNNING.equals(status);
    }
}
