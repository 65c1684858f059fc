package ai.prometheus.sandbox.launch;

import ai.prometheus.sandbox.config.SandboxConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The development first step ({@code sandbox.isolation.launcher=shell}), for a build without
 * {@code sandbox-launch} (no C compiler): a POSIX shell script, whose {@code ulimit} builtin sets
 * the rlimits, exec'ing {@code setpriv} to drop to the sandbox's uid. Three execs, about 2 ms more
 * per cold start, no init in the namespace and no egress; the same limits, uid and filter otherwise.
 */
final class ShellFirstStep {

    /**
     * Arguments: CPU seconds (hard, then soft), file size in 512-byte blocks, processes (0: not
     * limited here), open files, address space in KiB (0: not limited), the {@code uid:gid} the
     * standard streams' pipes are given to ({@code -}: none, as {@code sandbox-launch} does before
     * dropping), then the command. A plain {@code ulimit -t} sets both CPU limits, {@code -S} then
     * lowers the soft one: dash refuses a hard limit below the current soft one. Exit 125 when a step fails.
     */
    private static final String SCRIPT = """
            ulimit -t "$1" && ulimit -S -t "$2" && ulimit -f "$3" && ulimit -n "$5" && ulimit -c 0 || exit 125
            if [ "$4" != 0 ]; then ulimit -p "$4" || exit 125; fi
            if [ "$6" != 0 ]; then ulimit -v "$6" || exit 125; fi
            owner=$7
            shift 7
            if [ "$owner" != - ]; then
              pipes=
              for fd in 0 1 2; do if [ -p /proc/self/fd/$fd ]; then pipes="$pipes /proc/self/fd/$fd"; fi; done
              if [ -n "$pipes" ]; then chown "$owner" $pipes || exit 125; fi
            fi
            if [ -n "$SANDBOX_SECCOMP" ]; then exec 3< "$SANDBOX_SECCOMP" || exit 125; fi
            exec "$@"
            """;

    private ShellFirstStep() {}

    /** The script with its limit arguments (in the units of {@code ulimit}), then {@code setpriv} when dropping to {@code uid}. */
    static List<String> command(
            SandboxConfig.Isolation isolation, StartProfile profile, int uid, boolean dropPrivileges) {
        List<String> step = new ArrayList<>(List.of(
                isolation.shell(),
                "-c",
                SCRIPT,
                "sandbox-launcher",
                Long.toString(profile.cpuSeconds() + 1),
                Long.toString(profile.cpuSeconds()),
                Long.toString(ceilDiv(profile.fileSizeBytes(), 512)),
                Integer.toString(Math.max(0, profile.processes())),
                Integer.toString(isolation.maxOpenFiles()),
                Long.toString(profile.addressSpaceBytes() > 0 ? ceilDiv(profile.addressSpaceBytes(), 1024) : 0),
                dropPrivileges ? uid + ":" + uid : "-"));
        if (dropPrivileges) {
            step.addAll(List.of(
                    isolation.setpriv(), "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--no-new-privs"));
        }
        return step;
    }

    private static long ceilDiv(long value, long unit) {
        return (value + unit - 1) / unit;
    }
}
