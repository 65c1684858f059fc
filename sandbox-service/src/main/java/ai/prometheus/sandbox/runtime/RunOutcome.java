package ai.prometheus.sandbox.runtime;

import ai.prometheus.shared.sandbox.EgressConnection;
import ai.prometheus.shared.sandbox.ExecutionStatus;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import ai.prometheus.shared.secret.SecretRedaction;
import java.time.Instant;
import java.util.List;

/**
 * What one run produced, as the runtime measured it.
 *
 * @param warm whether a pre-started sandbox ran the code
 * @param egress the connections a run with a network policy asked for; null for runs without one
 * @param wallNanos the wall time {@code usage.wallMs} is cut from, in nanoseconds: {@code wallMs} is
 *     {@code wallNanos / 1_000_000}, so it is up to a millisecond below the run's time
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
        Instant finishedAt,
        List<EgressConnection> egress,
        long wallNanos) {

    /** This outcome with every secret value redacted from its output and message. */
    public RunOutcome redacted(SecretRedaction redaction) {
        if (redaction.isEmpty()) {
            return this;
        }
        return new RunOutcome(
                status,
                exitCode,
                signal,
                redaction.redact(stdout),
                redaction.redact(stderr),
                stdoutTruncated,
                stderrTruncated,
                usage,
                redaction.redact(message),
                warm,
                startedAt,
                finishedAt,
                egress,
                wallNanos);
    }

    /** A run that never started because the platform failed; the code is not to blame. */
    public static RunOutcome internalError(String message, Instant startedAt) {
        return notStarted(ExecutionStatus.INTERNAL_ERROR, null, null, message, startedAt, Instant.now());
    }

    /** A run cancelled by its caller before its code started: nothing ran. */
    public static RunOutcome cancelledBeforeStart(Instant startedAt) {
        return notStarted(
                ExecutionStatus.CANCELLED,
                null,
                null,
                "cancelled by its caller before it started",
                startedAt,
                Instant.now());
    }

    /**
     * A run whose wall limit ran out while its sandbox was still starting: the run's own timeout
     * (a limit the caller chose too small), not a failure of the platform.
     */
    static RunOutcome wallTimeoutBeforeStart(RunLimits limits, Instant startedAt) {
        Verdict.Decision decision = Verdict.decide(
                new Verdict.Observation(Verdict.Kill.WALL, 128 + Verdict.SIGKILL, 0, 0, 0, false, "", limits));
        return notStarted(
                decision.status(),
                decision.exitCode(),
                decision.signal(),
                "wall time limit of " + limits.wallMs() + " ms exceeded before the program started",
                startedAt,
                Instant.now());
    }

    /**
     * A run whose code never started (refused, cancelled, out of time or failed before it): no
     * output and no connections, and of its usage only the wall time it waited.
     */
    public static RunOutcome notStarted(
            ExecutionStatus status,
            Integer exitCode,
            Integer signal,
            String message,
            Instant startedAt,
            Instant finishedAt) {
        long waitedMs = Math.max(0, finishedAt.toEpochMilli() - startedAt.toEpochMilli());
        return new RunOutcome(
                status,
                exitCode,
                signal,
                "",
                "",
                false,
                false,
                new ExecutionUsage(waitedMs, 0, 0, 0),
                message,
                false,
                startedAt,
                finishedAt,
                null,
                waitedMs * 1_000_000);
    }
}
