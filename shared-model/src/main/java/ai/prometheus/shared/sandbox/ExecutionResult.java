package ai.prometheus.shared.sandbox;

import ai.prometheus.shared.secret.SecretRedaction;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The outcome of one sandboxed run, as the sandbox answers and stores it.
 *
 * @param exitCode the process exit code, when it exited
 * @param signal the signal that killed it, when it was killed
 * @param limits the limits that applied (request merged with operator defaults)
 * @param screening the static pre-screen's verdict and findings
 * @param principal who asked (the token subject)
 * @param onBehalfOf for calls from another service, the caller it acted for
 * @param message a human-readable explanation of a non-OK status
 * @param egress every connection the run asked the egress proxy for, allowed or refused (runs with a
 *     network policy only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionResult(
        UUID id,
        String language,
        ExecutionStatus status,
        Integer exitCode,
        Integer signal,
        String stdout,
        String stderr,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        ExecutionUsage usage,
        ExecutionLimits limits,
        Screening screening,
        String principal,
        String onBehalfOf,
        UUID sessionId,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        String message,
        List<EgressConnection> egress) {

    /** This result with every secret value redacted from its output and message. */
    public ExecutionResult redacted(SecretRedaction redaction) {
        if (redaction.isEmpty()) {
            return this;
        }
        return new ExecutionResult(
                id,
                language,
                status,
                exitCode,
                signal,
                redaction.redact(stdout),
                redaction.redact(stderr),
                stdoutTruncated,
                stderrTruncated,
                usage,
                limits,
                screening,
                principal,
                onBehalfOf,
                sessionId,
                startedAt,
                finishedAt,
                redaction.redact(message),
                egress);
    }

    /** The safety screen's answer: {@code ALLOW}, {@code WARN} or {@code DENY}, with what it found. */
    public record Screening(String verdict, List<Finding> findings) {
        public Screening {
            findings = findings == null ? List.of() : List.copyOf(findings);
        }
    }

    /** One hostile pattern: the rule that matched, how serious it is, and where. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Finding(String rule, String severity, String message, Integer line) {}
}
