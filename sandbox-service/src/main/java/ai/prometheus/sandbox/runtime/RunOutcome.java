package ai.prometheus.sandbox.runtime;

import ai.prometheus.shared.sandbox.ExecutionStatus;
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

    /** A run that never started because the platform failed; the code is not to blame. */
    public static RunOutcome internalError(String message, Instant startedAt) {
        Instant now = Instant.now();
        return new RunOutcome(ExecutionStatus.INTERNAL_ERROR, null, null, "", "", false, false,
                new ExecutionUsage(now.toEpochMilli() - startedAt.toEpochMilli(), 0, 0, 0), message, false, startedAt, now);
    }

    /**
     * A run whose wall limit ran out while its sandbox was still starting: the run's own timeout
     * (a limit the caller chose too small), not a failure of the platform.
     */
    static RunOutcome wallTimeoutBeforeStart(RunLimits limits, Instant startedAt) {
        Instant now = Instant.now();
        Verdict.Decision decision = Verdict.decide(new Verdict.Observation(Verdict.Kill.WALL, 128 + Verdict.SIGKILL, 0, 0,
                0, false, "", limits));
        return new RunOutcome(decision.status(), decision.exitCode(), decision.signal(), "", "", false, false,
                new ExecutionUsage(now.toEpochMilli() - startedAt.toEpochMilli(), 0, 0, 0),
                "wall time limit of " + limits.wallMs() + " ms exceeded before the program started", false, startedAt, now);
    }
}
