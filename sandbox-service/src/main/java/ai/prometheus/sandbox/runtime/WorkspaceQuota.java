package ai.prometheus.sandbox.runtime;

/**
 * How workspaces are held to their quotas on this host, decided once at start.
 *
 * @param sessions session workspaces are tmpfs mounts of their quota's size and inode count
 * @param freshRuns a fresh run's writable places are one tmpfs of its disk size and inode count
 * @param detail what an operator reads in the readiness check
 */
public record WorkspaceQuota(boolean sessions, boolean freshRuns, String detail) {

    static final WorkspaceQuota UNDECIDED = new WorkspaceQuota(false, false, "not decided yet");

    /** Whether every workspace is held by the kernel; otherwise the operator was warned at start. */
    public boolean kernel() {
        return sessions && freshRuns;
    }
}
