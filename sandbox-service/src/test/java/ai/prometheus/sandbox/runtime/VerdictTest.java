package ai.prometheus.sandbox.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.prometheus.shared.sandbox.ExecutionStatus;
import org.junit.jupiter.api.Test;

class VerdictTest {

    private static final RunLimits LIMITS = new RunLimits(1000, 2000, 64, 16, 1024, 8);

    private static Verdict.Decision decide(Verdict.Kill kill, int exit, long oom, long pids, long cpu, String stderr) {
        return Verdict.decide(new Verdict.Observation(kill, exit, oom, pids, cpu, false, stderr, LIMITS));
    }

    @Test
    void cleanExitIsOkAndNonZeroIsARuntimeError() {
        Verdict.Decision ok = decide(null, 0, 0, 0, 10, "");
        assertEquals(ExecutionStatus.OK, ok.status());
        assertEquals(0, ok.exitCode());
        assertNull(ok.signal());
        Verdict.Decision failed = decide(null, 3, 0, 0, 10, "Traceback: ValueError");
        assertEquals(ExecutionStatus.RUNTIME_ERROR, failed.status());
        assertEquals(3, failed.exitCode());
        assertEquals("exited with code 3", failed.message());
    }

    @Test
    void statusesAbove128AreSignals() {
        Verdict.Decision killed = decide(null, 128 + 11, 0, 0, 10, "");
        assertEquals(ExecutionStatus.RUNTIME_ERROR, killed.status());
        assertEquals(11, killed.signal());
        assertNull(killed.exitCode());
        assertEquals("killed by signal 11 (SIGSEGV)", killed.message());
        assertEquals(
                "killed by signal 14 (SIGALRM)",
                decide(null, 128 + 14, 0, 0, 10, "").message());
        assertEquals(
                "killed by signal 13 (SIGPIPE)",
                decide(null, 128 + 13, 0, 0, 10, "").message());
        assertEquals("killed by signal 40", decide(null, 128 + 40, 0, 0, 10, "").message());
        assertEquals(25, Verdict.signalOf(153));
        assertNull(Verdict.signalOf(128));
        assertNull(Verdict.signalOf(255));
    }

    @Test
    void platformKillsAndKernelCountersComeBeforeTheExitCode() {
        assertEquals(
                ExecutionStatus.OUTPUT_LIMIT,
                decide(Verdict.Kill.OUTPUT, 137, 1, 1, 0, "").status());
        assertEquals(
                ExecutionStatus.TIMEOUT_CPU,
                decide(Verdict.Kill.CPU, 137, 0, 0, 1001, "").status());
        assertEquals(
                ExecutionStatus.MEMORY_LIMIT, decide(null, 137, 1, 0, 10, "").status());
        // A fork bomb held at its limit until the clock ran out is a process-limit case.
        assertEquals(
                ExecutionStatus.PROCESS_LIMIT,
                decide(Verdict.Kill.WALL, 137, 0, 5, 10, "").status());
        assertEquals(
                ExecutionStatus.TIMEOUT_WALL,
                decide(Verdict.Kill.WALL, 137, 0, 0, 10, "").status());
        // Exiting 0 after hitting the process limit still reports the limit.
        assertEquals(
                ExecutionStatus.PROCESS_LIMIT, decide(null, 0, 0, 3, 10, "").status());
    }

    @Test
    void limitSignalsAndLimitErrorsAreClassified() {
        assertEquals(
                ExecutionStatus.TIMEOUT_CPU,
                decide(null, 128 + 24, 0, 0, 900, "").status());
        assertEquals(
                ExecutionStatus.TIMEOUT_CPU, decide(null, 137, 0, 0, 1000, "").status());
        assertEquals(
                ExecutionStatus.FILE_LIMIT, decide(null, 128 + 25, 0, 0, 10, "").status());
        assertEquals(
                ExecutionStatus.FILE_LIMIT,
                decide(null, 1, 0, 0, 10, "OSError: [Errno 28] No space left on device")
                        .status());
        assertEquals(
                ExecutionStatus.MEMORY_LIMIT,
                decide(null, 1, 0, 0, 10, "MemoryError").status());
        assertEquals(
                ExecutionStatus.PROCESS_LIMIT,
                decide(null, 1, 0, 0, 10, "BlockingIOError: [Errno 11] Resource temporarily unavailable")
                        .status());
    }

    @Test
    void aWorkspaceLeftAboveItsQuotaIsAFileLimit() {
        Verdict.Decision decision = Verdict.decide(new Verdict.Observation(null, 0, 0, 0, 10, true, "", LIMITS));
        assertEquals(ExecutionStatus.FILE_LIMIT, decision.status());
        assertEquals(
                ExecutionStatus.FILE_LIMIT,
                decide(Verdict.Kill.FILE, 137, 0, 0, 10, "").status());
    }

    @Test
    void aCancelledRunIsCancelledWhateverItsProcessesShowedAsTheyWereKilled() {
        Verdict.Decision cancelled = decide(Verdict.Kill.CANCELLED, 137, 1, 1, 5000, "MemoryError");
        assertEquals(ExecutionStatus.CANCELLED, cancelled.status());
        assertEquals(9, cancelled.signal());
        assertEquals(false, cancelled.status().platformFault());
    }
}
