package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.runtime.RunLimits;
import ai.prometheus.sandbox.runtime.RunOutcome;
import ai.prometheus.shared.sandbox.EgressConnection;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.sandbox.ExecutionStatus;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import ai.prometheus.shared.sandbox.ToolOutput;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** Maps between runs, stored executions and what the API answers: the one place that knows all three. */
public final class ExecutionRecords {

    /**
     * One digest per thread, reset by each {@code digest}: looking the algorithm up among the
     * providers on every run cost more than hashing the code.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private ExecutionRecords() {}

    /** Who asked: the token's subject, and for a service acting for someone, that someone. */
    public record Actor(String principal, String onBehalfOf) {}

    public static Execution newRow(
            UUID id,
            String source,
            RunRequest request,
            Actor actor,
            UUID sessionId,
            ExecutionResult.Screening screening,
            int maxStoredCode) {
        Execution row = new Execution();
        row.id = id;
        row.source = source;
        row.language = request.language().apiName();
        row.status = Execution.RUNNING;
        RunLimits limits = request.limits();
        row.limitCpuMs = limits.cpuMs();
        row.limitWallMs = limits.wallMs();
        row.limitMemoryMb = limits.memoryMb();
        row.limitMaxProcesses = limits.maxProcesses();
        row.limitOutputBytes = limits.outputBytes();
        row.limitDiskMb = limits.diskMb();
        if (request.egress() != null) {
            row.network = request.egress().policy();
            row.limitEgressBytes = request.egress().maxBytes();
            row.limitEgressConnections = request.egress().maxConnections();
        }
        row.screening = screening;
        row.principal = actor.principal();
        row.onBehalfOf = actor.onBehalfOf();
        row.sessionId = sessionId;
        byte[] code = request.codeBytes();
        row.code = truncate(request.code(), maxStoredCode);
        row.codeSha256 = sha256(code);
        row.codeBytes = code.length;
        row.stdinBytes = request.stdinBytes().length;
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        row.createdAt = now;
        row.startedAt = now;
        return row;
    }

    /** Records how the run ended; output is kept up to {@code maxStoredOutput} bytes per stream. */
    public static void complete(Execution row, RunOutcome outcome, int maxStoredOutput) {
        row.status = outcome.status().name();
        row.exitCode = outcome.exitCode();
        row.signal = outcome.signal();
        row.message = outcome.message();
        String stdout = outcome.stdout() == null ? "" : outcome.stdout();
        String stderr = outcome.stderr() == null ? "" : outcome.stderr();
        row.stdout = truncate(stdout, maxStoredOutput);
        row.stderr = truncate(stderr, maxStoredOutput);
        row.stdoutTruncated = outcome.stdoutTruncated() || row.stdout.length() < stdout.length();
        row.stderrTruncated = outcome.stderrTruncated() || row.stderr.length() < stderr.length();
        row.wallMs = outcome.usage().wallMs();
        row.cpuMs = outcome.usage().cpuMs();
        row.peakMemoryBytes = outcome.usage().peakMemoryBytes();
        row.outputBytes = outcome.usage().outputBytes();
        row.warm = outcome.warm();
        if (row.network != null) {
            row.egress = new Execution.EgressLog(outcome.egress() == null ? List.of() : outcome.egress());
        }
        row.startedAt = at(outcome.startedAt());
        row.finishedAt = at(outcome.finishedAt());
    }

    /** The answer to the run that just happened: the complete captured output, not the stored copy. */
    public static ExecutionResult toResult(Execution row, RunOutcome outcome) {
        return new ExecutionResult(
                row.id,
                row.language,
                outcome.status(),
                outcome.exitCode(),
                outcome.signal(),
                outcome.stdout(),
                outcome.stderr(),
                outcome.stdoutTruncated(),
                outcome.stderrTruncated(),
                outcome.usage(),
                limitsOf(row),
                row.screening,
                row.principal,
                row.onBehalfOf,
                row.sessionId,
                row.startedAt,
                row.finishedAt,
                outcome.message(),
                row.network == null ? null : outcome.egress() == null ? List.of() : outcome.egress());
    }

    /** A finished execution as stored, for a replayed idempotent request. */
    public static ExecutionResult toResult(Execution row) {
        return new ExecutionResult(
                row.id,
                row.language,
                ExecutionStatus.valueOf(row.status),
                row.exitCode,
                row.signal,
                row.stdout,
                row.stderr,
                row.stdoutTruncated,
                row.stderrTruncated,
                usageOf(row),
                limitsOf(row),
                row.screening,
                row.principal,
                row.onBehalfOf,
                row.sessionId,
                row.startedAt,
                row.finishedAt,
                row.message,
                egressOf(row));
    }

    public static ExecutionView toView(Execution row, boolean withContent) {
        return new ExecutionView(
                row.id,
                row.running() ? "RUNNING" : "FINISHED",
                row.source,
                row.language,
                row.running() ? null : row.status,
                row.exitCode,
                row.signal,
                row.message,
                withContent ? row.stdout : null,
                withContent ? row.stderr : null,
                row.stdoutTruncated,
                row.stderrTruncated,
                row.running() ? null : usageOf(row),
                limitsOf(row),
                row.screening,
                row.principal,
                row.onBehalfOf,
                row.sessionId,
                row.invocationId,
                row.idempotencyKey,
                row.warm,
                withContent ? row.code : null,
                row.codeSha256,
                row.codeBytes,
                row.stdinBytes,
                row.createdAt,
                row.startedAt,
                row.finishedAt,
                row.network,
                withContent ? egressOf(row) : null);
    }

    public static List<EgressConnection> egressOf(Execution row) {
        return row.egress == null ? null : row.egress.connections();
    }

    /** The outcome of code the safety screen refused: it never ran. */
    public static RunOutcome policyDenied(ExecutionResult.Screening screening) {
        Instant now = Instant.now();
        String rules = screening.findings().stream()
                .map(finding -> finding.rule() + (finding.line() == null ? "" : " (line " + finding.line() + ")"))
                .collect(Collectors.joining(", "));
        return RunOutcome.notStarted(
                ExecutionStatus.POLICY_DENIED, null, null, "refused by the safety screen: " + rules, now, now);
    }

    public static ExecutionLimits limitsOf(Execution row) {
        return new ExecutionLimits(
                row.limitCpuMs,
                row.limitWallMs,
                row.limitMemoryMb,
                row.limitMaxProcesses,
                row.limitOutputBytes,
                row.limitDiskMb,
                row.limitEgressBytes,
                row.limitEgressConnections);
    }

    private static ExecutionUsage usageOf(Execution row) {
        return new ExecutionUsage(nz(row.wallMs), nz(row.cpuMs), nz(row.peakMemoryBytes), nz(row.outputBytes));
    }

    /** A request's fingerprint, to recognise an Idempotency-Key reused for something else. */
    public static String requestHash(RunRequest request, UUID sessionId) {
        RunLimits limits = request.limits();
        String canonical = request.language().apiName()
                + '\0'
                + request.code()
                + '\0'
                + request.stdin()
                + '\0'
                + limits
                + '\0'
                + sessionId
                + (request.egress() == null ? "" : "\0" + request.egress());
        return sha256(canonical.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(SHA_256.get().digest(bytes));
    }

    /**
     * At most {@code maxBytes} of UTF-8, never cutting a character in half, with what PostgreSQL
     * text cannot hold replaced ({@link ToolOutput#text}).
     */
    static String truncate(String text, int maxBytes) {
        if (text == null) {
            return null;
        }
        text = ToolOutput.text(text);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static long nz(Long value) {
        return value == null ? 0 : value;
    }
}
