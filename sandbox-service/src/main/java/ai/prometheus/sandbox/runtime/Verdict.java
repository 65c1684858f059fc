package ai.prometheus.sandbox.runtime;

import ai.prometheus.shared.sandbox.ExecutionStatus;
import java.util.List;
import java.util.Locale;

/**
 * Decides how a run ended from what was observed. The platform's own observations (its kills,
 * the kernel's OOM and fork-limit counters, limit signals) come first; the exit code next; the
 * error text a limit typically produces last, for hosts without control groups and for programs
 * that caught the error and exited. Exit statuses above 128 are read as "killed by signal
 * status - 128", as shells do, so a program that exits with 137 itself is reported as killed by 9.
 */
public final class Verdict {

    /** Why the platform killed the run, if it did. */
    public enum Kill {
        WALL,
        CPU,
        OUTPUT,
        FILE,
        EGRESS,
        /** Its caller cancelled it. */
        CANCELLED
    }

    /** Everything measured about one finished run. */
    public record Observation(
            Kill kill,
            int exitValue,
            long oomKills,
            long processLimitHits,
            long cpuUsedMs,
            boolean workspaceOverQuota,
            String stderr,
            RunLimits limits) {}

    public record Decision(ExecutionStatus status, Integer exitCode, Integer signal, String message) {}

    static final String CANCELLED_MESSAGE = "cancelled by its caller; every process of the run was killed";
    static final int SIGKILL = 9;
    static final int SIGXCPU = 24;
    static final int SIGXFSZ = 25;

    private static final List<String> FILE_MARKERS =
            List.of("no space left on device", "file too large", "enospc", "efbig");
    private static final List<String> MEMORY_MARKERS =
            List.of("memoryerror", "cannot allocate memory", "heap out of memory", "enomem", "out of memory");
    private static final List<String> PROCESS_MARKERS =
            List.of("resource temporarily unavailable", "fork: retry", "can't start new thread", "spawn eagain");

    private Verdict() {}

    public static Decision decide(Observation seen) {
        Integer signal = signalOf(seen.exitValue());
        Integer exitCode = signal == null ? seen.exitValue() : null;
        RunLimits limits = seen.limits();
        // A cancelled run ends as cancelled, whatever its processes did as they were killed.
        if (seen.kill() == Kill.CANCELLED) {
            return new Decision(ExecutionStatus.CANCELLED, exitCode, signal, CANCELLED_MESSAGE);
        }
        // Deliberate kills for CPU and output are immediate; a run held at its memory or process
        // limit that then runs out the clock is reported by the limit it hit, not by the clock.
        if (seen.kill() == Kill.OUTPUT) {
            return new Decision(
                    ExecutionStatus.OUTPUT_LIMIT,
                    exitCode,
                    signal,
                    "output limit of " + limits.outputBytes() + " bytes (stdout and stderr together) exceeded;"
                            + " every process of the run was killed");
        }
        if (seen.kill() == Kill.EGRESS) {
            return new Decision(
                    ExecutionStatus.EGRESS_LIMIT,
                    exitCode,
                    signal,
                    "egress limit exceeded; its connections were cut and every process of the run was killed");
        }
        if (seen.kill() == Kill.CPU) {
            return new Decision(
                    ExecutionStatus.TIMEOUT_CPU,
                    exitCode,
                    signal,
                    "CPU time limit of " + limits.cpuMs() + " ms exceeded; every process of the run was killed");
        }
        if (seen.kill() == Kill.FILE || seen.workspaceOverQuota()) {
            return new Decision(
                    ExecutionStatus.FILE_LIMIT,
                    exitCode,
                    signal,
                    "the session workspace reached its quota of bytes or files");
        }
        if (seen.oomKills() > 0) {
            return memory(exitCode, signal, limits);
        }
        if (seen.processLimitHits() > 0) {
            return process(exitCode, signal, limits);
        }
        if (seen.kill() == Kill.WALL) {
            return new Decision(
                    ExecutionStatus.TIMEOUT_WALL,
                    exitCode,
                    signal,
                    "wall time limit of " + limits.wallMs() + " ms exceeded; every process of the run was killed");
        }
        if (signal != null && (signal == SIGXCPU || (signal == SIGKILL && seen.cpuUsedMs() >= limits.cpuMs()))) {
            return new Decision(
                    ExecutionStatus.TIMEOUT_CPU,
                    exitCode,
                    signal,
                    "CPU time limit of " + limits.cpuMs() + " ms exceeded");
        }
        if (signal != null && signal == SIGXFSZ) {
            return file(exitCode, signal, limits);
        }
        if (exitCode != null && exitCode == 0) {
            return new Decision(ExecutionStatus.OK, 0, null, null);
        }
        String errors = seen.stderr() == null ? "" : seen.stderr().toLowerCase(Locale.ROOT);
        if (containsAny(errors, FILE_MARKERS)) {
            return file(exitCode, signal, limits);
        }
        if (containsAny(errors, MEMORY_MARKERS)) {
            return memory(exitCode, signal, limits);
        }
        if (containsAny(errors, PROCESS_MARKERS)) {
            return process(exitCode, signal, limits);
        }
        String message =
                signal != null ? "killed by signal " + signal + signalName(signal) : "exited with code " + exitCode;
        return new Decision(ExecutionStatus.RUNTIME_ERROR, exitCode, signal, message);
    }

    /** bubblewrap reports a child killed by signal N as exit status 128 + N, as shells do. */
    static Integer signalOf(int exitValue) {
        return exitValue > 128 && exitValue <= 128 + 64 ? exitValue - 128 : null;
    }

    private static Decision memory(Integer exitCode, Integer signal, RunLimits limits) {
        return new Decision(
                ExecutionStatus.MEMORY_LIMIT,
                exitCode,
                signal,
                "memory limit of " + limits.memoryMb() + " MiB exceeded");
    }

    private static Decision file(Integer exitCode, Integer signal, RunLimits limits) {
        return new Decision(
                ExecutionStatus.FILE_LIMIT,
                exitCode,
                signal,
                "file size or workspace limit of " + limits.diskMb() + " MiB reached");
    }

    private static Decision process(Integer exitCode, Integer signal, RunLimits limits) {
        return new Decision(
                ExecutionStatus.PROCESS_LIMIT,
                exitCode,
                signal,
                "process limit of " + limits.maxProcesses() + " processes and threads reached");
    }

    private static boolean containsAny(String text, List<String> markers) {
        return markers.stream().anyMatch(text::contains);
    }

    /** Linux's numbers for the standard signals, the same on x86_64 and aarch64. */
    private static final List<String> SIGNAL_NAMES = List.of(
            "SIGHUP",
            "SIGINT",
            "SIGQUIT",
            "SIGILL",
            "SIGTRAP",
            "SIGABRT",
            "SIGBUS",
            "SIGFPE",
            "SIGKILL",
            "SIGUSR1",
            "SIGSEGV",
            "SIGUSR2",
            "SIGPIPE",
            "SIGALRM",
            "SIGTERM",
            "SIGSTKFLT",
            "SIGCHLD",
            "SIGCONT",
            "SIGSTOP",
            "SIGTSTP",
            "SIGTTIN",
            "SIGTTOU",
            "SIGURG",
            "SIGXCPU",
            "SIGXFSZ",
            "SIGVTALRM",
            "SIGPROF",
            "SIGWINCH",
            "SIGIO",
            "SIGPWR",
            "SIGSYS");

    private static String signalName(int signal) {
        return signal >= 1 && signal <= SIGNAL_NAMES.size() ? " (" + SIGNAL_NAMES.get(signal - 1) + ")" : "";
    }
}
