package ai.prometheus.sandbox.runtime;

import ai.prometheus.sandbox.host.Host;
import ai.prometheus.sandbox.launch.SandboxLauncher;
import org.jboss.logging.Logger;

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

    /**
     * Kernel-held quotas where this host lets the service mount, else the periodic scan, said
     * loudly: an operator must know that a session can then pass its quota between two scans and
     * that inodes are not limited.
     */
    static WorkspaceQuota of(Host host, SandboxLauncher launcher) {
        Logger log = Logger.getLogger(WorkspaceQuota.class);
        if (host.kernelQuotaUnavailable().isPresent()) {
            String detail = "WORKSPACE QUOTAS ARE NOT ENFORCED BY THE KERNEL: "
                    + host.kernelQuotaUnavailable().get()
                    + "; session workspaces are scanned every 50 ms during a run (bytes only: file counts are checked"
                    + " on upload, a run can pass its quota between two scans), fresh runs get bubblewrap's"
                    + " size-limited tmpfs (bytes only)";
            log.warn(detail);
            return new WorkspaceQuota(false, false, detail);
        }
        if (!launcher.freshRunTmpfs()) {
            String detail = "session workspaces: kernel (tmpfs per session); fresh runs: bubblewrap's size-limited"
                    + " tmpfs without an inode limit, because the development shell launcher has no sandbox-launch";
            log.warn(detail);
            return new WorkspaceQuota(true, false, detail);
        }
        return new WorkspaceQuota(
                true, true, "kernel: a tmpfs per session workspace and per fresh run (bytes and inodes)");
    }
}
