package ai.prometheus.sandbox.runtime;

import ai.prometheus.sandbox.host.HostProcesses;
import ai.prometheus.sandbox.host.SandboxCgroup;
import java.util.function.Consumer;

/**
 * Watches CPU use and a session workspace's size while a run goes on, and samples usage where
 * there are no cgroups. Ticks on a timer thread; a limit passed calls {@code stop} with the reason.
 */
final class RunMonitor {

    private static final long WORKSPACE_CHECK_NANOS = 50_000_000;
    private final RunLimits limits;
    private final long cpuBase;
    private final Workspace workspace;
    private final SandboxCgroup cgroup;
    private final long interpreterPid;
    private final int countedUid;
    private final Consumer<Verdict.Kill> stop;
    private volatile long cpuNanos;
    private volatile long peakBytes = -1;
    private volatile int peakTasks;
    private long workspaceCheckedAt = System.nanoTime();

    /**
     * {@code countedUid}: the uid whose tasks are counted against its process rlimit (no pids
     * cgroup), or -1 for none.
     */
    RunMonitor(
            RunLimits limits,
            long cpuBase,
            Workspace workspace,
            SandboxCgroup cgroup,
            long interpreterPid,
            int countedUid,
            Consumer<Verdict.Kill> stop) {
        this.limits = limits;
        this.cpuBase = cpuBase;
        this.workspace = workspace;
        this.cgroup = cgroup;
        this.interpreterPid = interpreterPid;
        this.countedUid = countedUid;
        this.stop = stop;
    }

    void tick() {
        if (workspace != null && System.nanoTime() - workspaceCheckedAt >= WORKSPACE_CHECK_NANOS) {
            workspaceCheckedAt = System.nanoTime();
            if (workspace.overQuota()) {
                stop.accept(Verdict.Kill.FILE);
            }
        }
        long used;
        if (cgroup.enforced()) {
            used = cgroup.cpuNanos() - cpuBase;
        } else {
            used = Math.max(cpuNanos, HostProcesses.cpuNanos(interpreterPid));
            peakBytes = Math.max(peakBytes, HostProcesses.peakResidentBytes(interpreterPid));
            if (countedUid >= 0) {
                peakTasks = Math.max(peakTasks, HostProcesses.tasksOwnedBy(countedUid));
            }
        }
        cpuNanos = used;
        if (used > limits.cpuMs() * 1_000_000L) {
            stop.accept(Verdict.Kill.CPU);
        }
    }

    /** CPU time seen so far (without cgroups: the interpreter's own). */
    long cpuNanos() {
        return cpuNanos;
    }

    long peakBytes() {
        return peakBytes;
    }

    int peakTasks() {
        return peakTasks;
    }
}
