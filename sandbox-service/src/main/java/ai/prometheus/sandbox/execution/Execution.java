package ai.prometheus.sandbox.execution;

import ai.prometheus.shared.event.CallerClaims;
import ai.prometheus.shared.sandbox.EgressConnection;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
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
public class Execution extends PanacheEntityBase {

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

    @Column(name = "exit_code")
    public Integer exitCode;

    public Integer signal;

    public String message;

    public String stdout;

    /** The whole stdout of an asynchronous invocation whose result event carries only its start. */
    public String result;

    public String stderr;

    @Column(name = "stdout_truncated", nullable = false)
    public boolean stdoutTruncated;

    @Column(name = "stderr_truncated", nullable = false)
    public boolean stderrTruncated;

    @Column(name = "wall_ms")
    public Long wallMs;

    @Column(name = "cpu_ms")
    public Long cpuMs;

    @Column(name = "peak_memory_bytes")
    public Long peakMemoryBytes;

    @Column(name = "output_bytes")
    public Long outputBytes;

    public Boolean warm;

    @Column(name = "limit_cpu_ms", nullable = false)
    public long limitCpuMs;

    @Column(name = "limit_wall_ms", nullable = false)
    public long limitWallMs;

    @Column(name = "limit_memory_mb", nullable = false)
    public int limitMemoryMb;

    @Column(name = "limit_max_processes", nullable = false)
    public int limitMaxProcesses;

    @Column(name = "limit_output_bytes", nullable = false)
    public long limitOutputBytes;

    @Column(name = "limit_disk_mb", nullable = false)
    public int limitDiskMb;

    /** For tool invocations: the caller's kind, groups and permissions, as the request carried them. */
    /** The network policy of a run that had one (canonical form), else null. */
    @JdbcTypeCode(SqlTypes.JSON)
    public NetworkPolicy network;

    @Column(name = "limit_egress_bytes")
    public Long limitEgressBytes;

    @Column(name = "limit_egress_connections")
    public Integer limitEgressConnections;

    /** Every connection the run asked the egress proxy for; null for runs without a policy. */
    @JdbcTypeCode(SqlTypes.JSON)
    public EgressLog egress;

    /** The connections as stored: a JSON object, as the reactive driver binds JSON columns. */
    public record EgressLog(List<EgressConnection> connections) {
    }

    @Column(name = "caller_claims")
    @JdbcTypeCode(SqlTypes.JSON)
    public CallerClaims callerClaims;

    /** The safety screen's verdict and findings; null when the screen is off. */
    @JdbcTypeCode(SqlTypes.JSON)
    public ExecutionResult.Screening screening;

    @Column(nullable = false)
    public String principal;

    @Column(name = "on_behalf_of")
    public String onBehalfOf;

    @Column(name = "session_id")
    public UUID sessionId;

    @Column(nullable = false)
    public String code;

    @Column(name = "code_sha256", nullable = false)
    public String codeSha256;

    @Column(name = "code_bytes", nullable = false)
    public int codeBytes;

    @Column(name = "stdin_bytes", nullable = false)
    public int stdinBytes;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_hash")
    public String requestHash;

    @Column(name = "invocation_id")
    public UUID invocationId;

    @Column(name = "tool_name")
    public String toolName;

    @Column(name = "tool_version")
    public Integer toolVersion;

    @Column(name = "memory_context_id")
    public UUID memoryContextId;

    @Column(name = "arguments_summary")
    public String argumentsSummary;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    public boolean running() {
        return RUNNING.equals(status);
    }
}
