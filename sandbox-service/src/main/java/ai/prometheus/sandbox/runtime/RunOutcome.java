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
        List<EgressConnection> egress) {

    public RunOutcome(
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
        this(
                status,
                exitCode,
                signal,
                stdout,
                stderr,
                stdoutTruncated,
                stderrTruncated,
                usage,
                message,
                warm,
                startedAt,
                finishedAt,
                null);
    }

    /** The same outcome with the run's connections. */
    public RunOutcome withEgress(List<EgressConnection> connections) {
        return new RunOutcome(
                status,
                exitCode,
                signal,
                stdout,
                stderr,
                stdoutTruncated,
                stderrTruncated,
                usage,
                message,
                warm,
                startedAt,
                finishedAt,
                connections);
    }

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
                egress);
    }

    /** A run that never started because the platform failed; the code is not to blame. */
    public static RunOutcome internalError(String message, Instant startedAt) {
        Instant now = Instant.now();
        return new RunOutcome(
                ExecutionStatus.INTERNAL_ERROR,
                null,
                null,
                "",
                "",
                false,
                false,
                new ExecutionUsage(now.toEpochMilli() - startedAt.toEpochMilli(), 0, 0, 0),
                message,
                false,
                startedAt,
                now);
    }

    /** A run cancelled by its caller before its code started: nothing ran. */
    public static RunOutcome cancelledBeforeStart(Instant startedAt) {
        Instant now = Instant.now();
        return new RunOutcome(
                ExecutionStatus.CANCELLED,
                null,
                null,
                "",
                "",
                false,
                false,
                new ExecutionUsage(Math.max(0, now.toEpochMilli() - startedAt.toEpochMilli()), 0, 0, 0),
                "cancelled by its caller before it started",
                false,
                startedAt,
                now);
    }

    /**
     * A run whose wall limit ran out while its sandbox was still starting: the run's own timeout
     * (a limit the caller chose too small), not a failure of the platform.
     */
    static RunOutcome wallTimeoutBeforeStart(RunLimits limits, Instant startedAt) {
        Instant now = Instant.now();
        Verdict.Decision decision = Verdict.decide(
                new Verdict.Observation(Verdict.Kill.WALL, 128 + Verdict.SIGKILL, 0, 0, 0, false, "", limits));
        return new RunOutcome(
                decision.status(),
                decision.exitCode(),
                decision.signal(),
                "",
                "",
                false,
                false,
                new ExecutionUsage(now.toEpochMilli() - startedAt.toEpochMilli(), 0, 0, 0),
                "wall time limit of " + limits.wallMs() + " ms exceeded before the program started",
                false,
                startedAt,
                now);
    }
}
