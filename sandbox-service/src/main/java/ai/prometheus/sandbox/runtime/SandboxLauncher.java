package ai.prometheus.sandbox.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts sandbox processes. The chain, each step exec'ing the next so one pid carries it through:
 * the first step sets the rlimits, opens the seccomp filter on fd 3 and drops to the sandbox's own
 * unprivileged host uid (a JVM can do none of these for a child); {@code bwrap} builds the
 * namespaces and the filesystem view and exec's, as pid 1 of the new pid namespace, {@code
 * sandbox-launch --init} (mounted read-only at {@value #INIT}), which runs the interpreter as its
 * child, reaps orphans and ends the namespace when the interpreter ends: the interpreter keeps
 * ordinary signal handling (pid 1 ignores signals it sends itself). The shell fallback has no such
 * program, and the interpreter is pid 1 there.
 * The interpreter runs the bootstrap, which announces itself and waits on stdin for the code; the
 * sandbox joins its cgroups before the code is sent (see {@link Sandbox#awaitReady}).
 *
 * <p>The first step is the service's {@code sandbox-launch} program when it has one (one exec),
 * else a POSIX shell script, whose {@code ulimit} builtin sets the rlimits, exec'ing {@code setpriv}.
 */
final class SandboxLauncher {

    /**
     * The {@code shell} first step. Arguments: CPU seconds (hard, then soft), file size in 512-byte
     * blocks, processes (0: not limited here), open files, address space in KiB (0: not limited),
     * the {@code uid:gid} the standard streams' pipes are given to ({@code -}: none, as
     * {@code sandbox-launch} does before dropping), then the command. A plain
     * {@code ulimit -t} sets both CPU limits, {@code -S} then lowers the soft one: dash refuses a
     * hard limit below the current soft one. Exit 125 when a step fails.
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
    static final String INNER_HOME = "/workspace";
    /** Where {@code sandbox-launch} is mounted inside a sandbox, to be its init. */
    static final String INIT = "/run/sandbox-init";
    /** Where a run with a network policy finds the egress proxy's Unix socket (its directory). */
    static final String EGRESS_DIRECTORY = "/run/egress";
    /** Where the node preload that sends {@code fetch}, {@code http} and {@code https} through the proxy is mounted. */
    static final String NODE_PRELOAD = "/run/egress-node.js";

    /**
     * The way out of one run with a network policy: the directory with the proxy's socket, the
     * loopback port the init's bridge listens on inside the sandbox, the seccomp filter that allows
     * TCP and UDP sockets, and the node preload.
     */
    record EgressMount(Path socketDirectory, String socketName, int port, Optional<Path> seccompFile, Path nodePreload) {
    }

    /**
     * The sandbox's /dev: the data devices and the descriptor links programs expect, no terminal
     * (a sandbox has none). Built here rather than with bubblewrap's {@code --dev}, whose extra
     * device binds and devpts instance cost about 0.4 ms of every cold start.
     */
    private static final List<String> DEV = devView();

    private final SandboxConfig.Isolation isolation;
    private final Map<Language, String> executables;
    private final Optional<Path> seccompFile;
    private final boolean disableUserns;
    private final boolean dropPrivileges;
    private final List<String> baseView;
    private final Optional<Path> launchProgram;
    private final List<Path> identityFiles;
    private final Optional<Path> runTmpfs;
    private final int runInodes;

    /**
     * {@code launchProgram}: the installed {@code sandbox-launch}, or empty for the shell script and
     * setpriv; {@code identityFiles}: the sandbox's {@code passwd} and {@code group} (see {@link SandboxIdentity}).
     */
    SandboxLauncher(SandboxConfig.Isolation isolation, Map<Language, String> executables, Optional<Path> seccompFile,
            boolean disableUserns, boolean dropPrivileges, Optional<Path> launchProgram, List<Path> identityFiles) {
        this(isolation, executables, seccompFile, disableUserns, dropPrivileges, launchProgram, identityFiles,
                Optional.empty(), 0);
    }

    /**
     * {@code runTmpfs}: where {@code sandbox-launch} mounts each sandbox's own tmpfs (in its own mount
     * namespace) holding /workspace, /tmp and /dev/shm, limited to the profile's workspace size and
     * {@code runInodes} entries; empty for bubblewrap's size-limited tmpfs mounts (no inode limit).
     */
    SandboxLauncher(SandboxConfig.Isolation isolation, Map<Language, String> executables, Optional<Path> seccompFile,
            boolean disableUserns, boolean dropPrivileges, Optional<Path> launchProgram, List<Path> identityFiles,
            Optional<Path> runTmpfs, int runInodes) {
        this.runTmpfs = runTmpfs.filter(directory -> launchProgram.isPresent() && dropPrivileges
                && !isolation.insecureDisable());
        this.runInodes = runInodes;
        this.identityFiles = identityFiles;
        this.isolation = isolation;
        this.launchProgram = launchProgram;
        this.executables = executables;
        this.seccompFile = seccompFile;
        this.disableUserns = disableUserns;
        this.dropPrivileges = dropPrivileges;
        this.baseView = filesystemView(isolation.readOnlyPaths());
    }

    /** What takes the first step, for the status line. */
    String firstStep() {
        return launchProgram.isPresent() ? "sandbox-launch" : "sh + setpriv";
    }

    boolean isolated() {
        return !isolation.insecureDisable();
    }

    /**
     * How many generations below the started process the interpreter runs: bubblewrap's child is
     * the namespace's pid 1, which is the interpreter itself or the init that started it; without
     * isolation the chain exec'd itself into the interpreter.
     */
    int interpreterDepth() {
        return isolated() ? (launchProgram.isPresent() ? 2 : 1) : 0;
    }

    /** Processes of the sandbox's uid that are not the program's: bubblewrap, and the init if there is one. */
    int helperProcesses() {
        return isolated() && launchProgram.isPresent() ? 2 : 1;
    }

    /** The interpreter's pid inside its namespace. */
    int interpreterPidInside() {
        return launchProgram.isPresent() ? 2 : 1;
    }

    /** Whether runs with a network policy can be started: they need the init's bridge and a network namespace. */
    boolean supportsEgress() {
        return isolated() && launchProgram.isPresent();
    }

    /** Starts a sandbox for {@code profile} as {@code uid}; it waits for its code. */
    Process start(StartProfile profile, int uid, Path insecureWorkspace) throws IOException {
        return start(profile, uid, insecureWorkspace, null);
    }

    /** The same, with a way out through the egress proxy when {@code egress} is not null. */
    Process start(StartProfile profile, int uid, Path insecureWorkspace, EgressMount egress) throws IOException {
        if (egress != null && !supportsEgress()) {
            throw new IllegalStateException("runs with a network policy need sandbox-launch and isolation");
        }
        List<String> command = new ArrayList<>();
        Optional<Path> seccomp = egress != null ? egress.seccompFile() : seccompFile.filter(file -> isolated());
        if (launchProgram.isPresent()) {
            command.addAll(programStep(launchProgram.get(), profile, uid, seccomp));
        } else {
            command.addAll(shellStep(profile, uid));
        }
        String executable = executables.get(profile.language());
        if (isolated()) {
            command.addAll(bubblewrap(profile, egress, seccomp.isPresent()));
            if (launchProgram.isPresent()) {
                command.addAll(List.of(INIT, "--init"));
                if (egress != null) {
                    command.add("--bridge=" + egress.port() + ":" + EGRESS_DIRECTORY + "/" + egress.socketName());
                }
                command.add("--");
            }
        }
        command.addAll(profile.language().command(executable));

        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        if (launchProgram.isEmpty()) {
            seccomp.ifPresent(file -> environment.put("SANDBOX_SECCOMP", file.toString()));
        }
        if (!isolated()) {
            // Development mode: the variables bubblewrap would set, on a plain process.
            environment.put("HOME", insecureWorkspace.toString());
            environment.put("TMPDIR", insecureWorkspace.toString());
            environment.put("LANG", "C.UTF-8");
            builder.directory(insecureWorkspace.toFile());
        }
        return builder.start();
    }

    /** {@code sandbox-launch} with the limits in the kernel's units; a limit of 0 processes or bytes: none. */
    private List<String> programStep(Path program, StartProfile profile, int uid, Optional<Path> seccomp) {
        List<String> step = new ArrayList<>();
        step.add(program.toString());
        step.add("--rlimit=cpu:" + profile.cpuSeconds() + ":" + (profile.cpuSeconds() + 1));
        step.add("--rlimit=fsize:" + profile.fileSizeBytes() + ":" + profile.fileSizeBytes());
        if (profile.processes() > 0) {
            step.add("--rlimit=nproc:" + profile.processes() + ":" + profile.processes());
        }
        step.add("--rlimit=nofile:" + isolation.maxOpenFiles() + ":" + isolation.maxOpenFiles());
        if (profile.addressSpaceBytes() > 0) {
            step.add("--rlimit=as:" + profile.addressSpaceBytes() + ":" + profile.addressSpaceBytes());
        }
        step.add("--rlimit=core:0:0");
        seccomp.ifPresent(file -> step.add("--fd3=" + file));
        // The tmpfs root and its three directories take four inodes of their own.
        runTmpfs.ifPresent(directory -> step.add("--tmpfs=" + directory + ":" + profile.workspaceBytes() + ":"
                + (runInodes + 4L)));
        if (dropPrivileges) {
            step.add("--uid=" + uid);
            step.add("--gid=" + uid);
        }
        step.add("--");
        return step;
    }

    /** The shell script with its limit arguments (in the units of {@code ulimit}), then {@code setpriv}. */
    private List<String> shellStep(StartProfile profile, int uid) {
        List<String> step = new ArrayList<>(List.of(isolation.shell(), "-c", SCRIPT, "sandbox-launcher",
                Long.toString(profile.cpuSeconds() + 1),
                Long.toString(profile.cpuSeconds()),
                Long.toString(ceilDiv(profile.fileSizeBytes(), 512)),
                Integer.toString(Math.max(0, profile.processes())),
                Integer.toString(isolation.maxOpenFiles()),
                Long.toString(profile.addressSpaceBytes() > 0 ? ceilDiv(profile.addressSpaceBytes(), 1024) : 0),
                dropPrivileges ? uid + ":" + uid : "-"));
        if (dropPrivileges) {
            step.addAll(List.of(isolation.setpriv(), "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                    "--no-new-privs"));
        }
        return step;
    }

    private static long ceilDiv(long value, long unit) {
        return (value + unit - 1) / unit;
    }

    private List<String> bubblewrap(StartProfile profile, EgressMount egress, boolean seccomp) {
        String size = Long.toString(profile.workspaceBytes());
        String inner = Integer.toString(isolation.innerUid());
        List<String> args = new ArrayList<>(List.of(isolation.bwrap(),
                "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session", "--as-pid-1",
                "--uid", inner, "--gid", inner, "--hostname", "sandbox", "--cap-drop", "ALL"));
        if (disableUserns) {
            args.add("--disable-userns");
        }
        args.addAll(baseView);
        args.addAll(List.of("--proc", "/proc"));
        args.addAll(DEV);
        if (runTmpfs.isPresent()) {
            String shared = runTmpfs.get().toString();
            args.addAll(List.of("--bind", shared + "/shm", "/dev/shm", "--remount-ro", "/dev",
                    "--bind", shared + "/tmp", "/tmp"));
        } else {
            args.addAll(List.of("--size", size, "--tmpfs", "/dev/shm",
                    "--remount-ro", "/dev",
                    "--size", size, "--tmpfs", "/tmp"));
        }
        if (profile.sessionWorkspace() != null) {
            args.addAll(List.of("--bind", profile.sessionWorkspace().toString(), INNER_HOME));
        } else if (runTmpfs.isPresent()) {
            args.addAll(List.of("--bind", runTmpfs.get() + "/workspace", INNER_HOME));
        } else {
            args.addAll(List.of("--size", size, "--tmpfs", INNER_HOME));
        }
        launchProgram.ifPresent(program -> args.addAll(List.of("--ro-bind", program.toString(), INIT)));
        for (Path file : identityFiles) {
            args.addAll(List.of("--ro-bind", file.toString(), "/etc/" + file.getFileName()));
        }
        if (egress != null) {
            args.addAll(List.of("--ro-bind", egress.socketDirectory().toString(), EGRESS_DIRECTORY,
                    "--ro-bind", egress.nodePreload().toString(), NODE_PRELOAD));
        }
        // Everything outside the writable mounts above is read-only, including bubblewrap's root.
        args.addAll(List.of("--remount-ro", "/", "--chdir", INNER_HOME));
        if (seccomp) {
            args.addAll(List.of("--seccomp", "3"));
        }
        args.addAll(List.of("--clearenv",
                "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin",
                "--setenv", "HOME", INNER_HOME,
                "--setenv", "TMPDIR", "/tmp",
                "--setenv", "LANG", "C.UTF-8",
                "--setenv", "USER", SandboxIdentity.USER));
        if (egress != null) {
            args.addAll(proxyEnvironment(egress.port()));
        }
        args.add("--");
        return args;
    }

    /**
     * The proxy for every client that reads the usual variables (curl reads the lower-case
     * {@code http_proxy} only, Python both), and node's preload; the sandbox's own loopback
     * stays direct.
     */
    private static List<String> proxyEnvironment(int port) {
        String proxy = "http://127.0.0.1:" + port;
        List<String> env = new ArrayList<>();
        for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")) {
            env.addAll(List.of("--setenv", name, proxy, "--setenv", name.toLowerCase(java.util.Locale.ROOT), proxy));
        }
        String direct = "localhost,127.0.0.1,::1";
        env.addAll(List.of("--setenv", "NO_PROXY", direct, "--setenv", "no_proxy", direct,
                "--setenv", "NODE_OPTIONS", "--require " + NODE_PRELOAD));
        return env;
    }

    private static List<String> devView() {
        List<String> args = new ArrayList<>(List.of("--tmpfs", "/dev"));
        for (String device : List.of("null", "zero", "full", "random", "urandom")) {
            args.addAll(List.of("--dev-bind-try", "/dev/" + device, "/dev/" + device));
        }
        args.addAll(List.of("--symlink", "/proc/self/fd", "/dev/fd"));
        List<String> streams = List.of("stdin", "stdout", "stderr");
        for (int fd = 0; fd < streams.size(); fd++) {
            args.addAll(List.of("--symlink", "/proc/self/fd/" + fd, "/dev/" + streams.get(fd)));
        }
        return List.copyOf(args);
    }

    /**
     * The read-only host paths, plus /bin, /lib, /lib64 and /sbin as the host has them: symlinks
     * into /usr on merged-/usr systems, bind mounts on the others.
     */
    private static List<String> filesystemView(List<String> readOnlyPaths) {
        List<String> args = new ArrayList<>();
        for (String path : readOnlyPaths) {
            args.addAll(List.of("--ro-bind-try", path, path));
        }
        for (String top : List.of("/bin", "/lib", "/lib64", "/sbin")) {
            Path host = Path.of(top);
            if (readOnlyPaths.contains(top)) {
                continue;
            }
            if (Files.isSymbolicLink(host)) {
                try {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(host).toString(), top));
                } catch (IOException e) {
                    // unreadable link: leave it out
                }
            } else if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
                args.addAll(List.of("--ro-bind", top, top));
            }
        }
        return args;
    }
}
