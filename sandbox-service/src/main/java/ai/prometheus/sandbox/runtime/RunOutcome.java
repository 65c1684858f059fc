package ai.prometheus.sandbox.runtime;

import ai.prometheus.shared.sandbox.ExecutionStatus;
import ai.prometheus.shared.secret.SecretRedaction;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import java.time.Instant;

/**
 * What one run produced, as the runtime measured it.
 *
 * @param warm whether a pre-started sandbox ran the code
 */
public record RunOutcome(
        ExecutionStatus status,
        Integer exitCode,
        Integer signal,
        String stdout,
        String stderr,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        ExecutionUsage usage,
        String message,
        boolean warm,
        Instant startedAt,
        Instant finishedAt) {

    /** This outcome with every secret value redacted from its output and message. */
    public RunOutcome redacted(SecretRedaction redaction) {
        if (redaction.isEmpty()) {
            return this;
        }
        return new RunOutcome(status, exitCode, signal, redaction.redact(stdout), redaction.redact(stderr), stdoutTruncated,
                stderrTruncated, usage, redaction.redact(message), warm, startedAt, finishedAt);
    }

    /** A run that never started because the platform failed; the code is not to blame. */
    public static RunOutcome internalError(String message, Instant startedAt) {
        Instant now = Instant.now();
        return new RunOutcome(ExecutionStatus.INTERNAL_ERROR, null, null, "", "", false, false,
                new ExecutionUsage(now.toEpochMilli() - startedAt.toEpochMilli(), 0, 0, 0), message, false, startedAt, now);
    }
}
