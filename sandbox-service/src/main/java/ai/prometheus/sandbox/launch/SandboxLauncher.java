package ai.prometheus.sandbox.launch;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.host.Host;
import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.host.UnusableHostException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Starts sandbox processes. The chain, each step exec'ing the next so one pid carries it through:
 * {@code sandbox-launch} sets the rlimits, opens the seccomp filter on fd 3 and drops to the
 * sandbox's own unprivileged host uid (a JVM can do none of these for a child); {@code bwrap}
 * builds the namespaces and the filesystem view and exec's, as pid 1 of the new pid namespace,
 * {@code sandbox-launch --init} (mounted read-only at {@value BubblewrapCommand#INIT}), which runs
 * the interpreter as its child, reaps orphans and ends the namespace when the interpreter ends:
 * the interpreter keeps ordinary signal handling (pid 1 ignores signals it sends itself).
 * The interpreter runs the bootstrap, which announces itself and waits on stdin for the code; the
 * sandbox joins its cgroups before that code is sent.
 *
 * <p>The development mode {@code sandbox.isolation.launcher=shell} takes the first step with
 * {@link ShellFirstStep} instead; it has no init, and the interpreter is pid 1 there.
 */
public final class SandboxLauncher {

    private static final Logger LOG = Logger.getLogger(SandboxLauncher.class);

    /**
     * The way out of one run with a network policy: the directory with the proxy's socket, the
     * loopback port the init's bridge listens on inside the sandbox, the seccomp filter that allows
     * TCP and UDP sockets, and the node preload.
     */
    public record EgressMount(
            Path socketDirectory, String socketName, int port, Optional<Path> seccompFile, Path nodePreload) {}

    private final SandboxConfig.Isolation isolation;
    /** Each interpreter's argument vector, with what it was asked once at start (see {@link Language#siteDirectories}). */
    private final Map<Language, Interpreter> interpreters;

    private final PythonPreload pythonPreload;

    private final Optional<Path> seccompFile;
    private final boolean dropPrivileges;
    private final Optional<Path> launchProgram;
    private final Optional<Path> runTmpfs;
    private final int runInodes;
    private final BubblewrapCommand bubblewrap;

    /**
     * {@code launchProgram}: the installed {@code sandbox-launch}, or empty for the development
     * shell; {@code identityFiles}: the sandbox's {@code passwd} and {@code group} (see
     * {@link SandboxIdentity}); {@code runTmpfs}: where {@code sandbox-launch} mounts each
     * sandbox's own tmpfs (in its own mount namespace) holding /workspace, /tmp and /dev/shm,
     * limited to the profile's workspace size and {@code runInodes} entries; empty for bubblewrap's
     * size-limited tmpfs mounts (no inode limit); {@code pythonPreload}: which modules a python
     * sandbox imports before it is ready.
     */
    SandboxLauncher(
            SandboxConfig.Isolation isolation,
            Host host,
            Optional<Path> launchProgram,
            List<Path> identityFiles,
            Optional<Path> runTmpfs,
            int runInodes,
            PythonPreload pythonPreload) {
        this.runTmpfs = runTmpfs.filter(directory -> launchProgram.isPresent() && host.root() && !host.insecure());
        this.runInodes = runInodes;
        this.isolation = isolation;
        this.launchProgram = launchProgram;
        this.pythonPreload = pythonPreload;
        Map<Language, Interpreter> interpreters = new EnumMap<>(Language.class);
        host.interpreters()
                .forEach((language, executable) -> interpreters.put(
                        language, new Interpreter(language, executable, language.siteDirectories(executable))));
        this.interpreters = interpreters;
        this.seccompFile = host.seccomp();
        this.dropPrivileges = host.root();
        this.bubblewrap =
                new BubblewrapCommand(isolation, host.disableUserns(), launchProgram, identityFiles, this.runTmpfs);
    }

    /**
     * The launcher for {@code host}: installs {@code sandbox-launch} into the state directory and
     * writes the sandbox's user database. Without the program only the development shell can
     * start sandboxes, and only when the operator chose it.
     *
     * @param freshRunTmpfs whether fresh runs get a tmpfs of their own (the host lets the service mount)
     */
    public static SandboxLauncher forHost(Host host, SandboxConfig config, boolean freshRunTmpfs) throws IOException {
        SandboxConfig.Isolation isolation = config.isolation();
        int block = host.uids().index();
        Optional<Path> program = Optional.empty();
        if (isolation.launcher() == SandboxConfig.LauncherKind.SHELL) {
            LOG.warn("Sandboxes start through the development shell (sandbox.isolation.launcher=shell): /bin/sh and"
                    + " setpriv, about 2 ms slower per cold start, without an init in the sandbox and without egress");
        } else {
            program = LaunchProgram.install(host.stateDir().resolve("sandbox-launch-" + block));
            if (program.isEmpty()) {
                throw new UnusableHostException("this build has no sandbox-launch for " + System.getProperty("os.arch")
                        + " (it is built when a C compiler is present: Debian: apt-get install gcc libc6-dev);"
                        + " sandbox.isolation.launcher=shell starts sandboxes without it, for development");
            }
        }
        List<Path> identity = host.insecure()
                ? List.of()
                : SandboxIdentity.write(host.stateDir().resolve("identity-" + block), isolation.innerUid());
        Optional<Path> runTmpfs = Optional.empty();
        if (freshRunTmpfs && program.isPresent()) {
            Path directory = host.stateDir().resolve("run-tmpfs");
            if (Files.notExists(directory, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(directory);
            }
            Files.getFileAttributeView(directory, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(PosixFilePermissions.fromString("rwx--x--x"));
            runTmpfs = Optional.of(directory);
        }
        return new SandboxLauncher(
                isolation,
                host,
                program,
                identity,
                runTmpfs,
                config.workspaces().runInodes(),
                new PythonPreload(
                        config.python().preloadModules(), config.python().preloadMode()));
    }

    /** What takes the first step, for the status line. */
    public String firstStep() {
        return launchProgram.isPresent() ? "sandbox-launch" : "sh + setpriv";
    }

    /** Whether fresh runs get a tmpfs of their own, which the kernel holds to bytes and inodes. */
    public boolean freshRunTmpfs() {
        return runTmpfs.isPresent();
    }

    public boolean hasProgram() {
        return launchProgram.isPresent();
    }

    public boolean isolated() {
        return !isolation.insecureDisable();
    }

    /**
     * How many generations below the started process the interpreter runs: bubblewrap's child is
     * the namespace's pid 1, which is the interpreter itself or the init that started it; without
     * isolation the chain exec'd itself into the interpreter.
     */
    public int interpreterDepth() {
        return isolated() ? (launchProgram.isPresent() ? 2 : 1) : 0;
    }

    /** Processes of the sandbox's uid that are not the program's: bubblewrap, and the init if there is one. */
    public int helperProcesses() {
        return isolated() && launchProgram.isPresent() ? 2 : 1;
    }

    /** The interpreter's pid inside its namespace. */
    public int interpreterPidInside() {
        return launchProgram.isPresent() ? 2 : 1;
    }

    /** Whether runs with a network policy can be started: they need the init's bridge and a network namespace. */
    public boolean supportsEgress() {
        return isolated() && launchProgram.isPresent();
    }

    /** Starts a sandbox for {@code profile} as {@code uid}; it waits for its code. */
    public Process start(StartProfile profile, int uid, Path insecureWorkspace) throws IOException {
        return start(profile, uid, insecureWorkspace, null);
    }

    /** The same, with a way out through the egress proxy when {@code egress} is not null. */
    public Process start(StartProfile profile, int uid, Path insecureWorkspace, EgressMount egress) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(profile, uid, egress));
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        if (launchProgram.isEmpty()) {
            seccompFor(egress).ifPresent(file -> environment.put("SANDBOX_SECCOMP", file.toString()));
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

    /** The interpreter's own argument vector, the last part of every sandbox's command line. */
    public List<String> interpreterCommand(Language language) {
        return interpreters.get(language).command(language == Language.PYTHON ? pythonPreload.current() : List.of());
    }

    /** Which modules python sandboxes import before they are ready; runs tell it what their code names. */
    public PythonPreload pythonPreload() {
        return pythonPreload;
    }

    /** An interpreter's argument vectors, one per preloaded set (python has at most a few). */
    private static final class Interpreter {
        private final Language language;
        private final String executable;
        private final Optional<List<String>> siteDirectories;
        private final Map<List<String>, List<String>> commands = new ConcurrentHashMap<>();

        Interpreter(Language language, String executable, Optional<List<String>> siteDirectories) {
            this.language = language;
            this.executable = executable;
            this.siteDirectories = siteDirectories;
        }

        List<String> command(List<String> preload) {
            return commands.computeIfAbsent(preload, modules -> language.command(executable, siteDirectories, modules));
        }
    }

    private Optional<Path> seccompFor(EgressMount egress) {
        return egress != null ? egress.seccompFile() : seccompFile.filter(file -> isolated());
    }

    /**
     * The whole command line of a sandbox for {@code profile} as {@code uid}, started with only
     * {@code PATH} in its environment (and, for the development shell, {@code SANDBOX_SECCOMP}).
     */
    public List<String> command(StartProfile profile, int uid, EgressMount egress) {
        if (egress != null && !supportsEgress()) {
            throw new IllegalStateException("runs with a network policy need sandbox-launch and isolation");
        }
        List<String> command = new ArrayList<>();
        Optional<Path> seccomp = seccompFor(egress);
        if (launchProgram.isPresent()) {
            command.addAll(programStep(launchProgram.get(), profile, uid, seccomp));
        } else {
            command.addAll(ShellFirstStep.command(isolation, profile, uid, dropPrivileges));
        }
        if (isolated()) {
            command.addAll(bubblewrap.arguments(profile, egress, seccomp.isPresent()));
            if (launchProgram.isPresent()) {
                command.addAll(List.of(BubblewrapCommand.INIT, "--init"));
                if (egress != null) {
                    command.add("--bridge=" + egress.port() + ":" + BubblewrapCommand.EGRESS_DIRECTORY + "/"
                            + egress.socketName());
                }
                command.add("--");
            }
        }
        command.addAll(interpreterCommand(profile.language()));
        return command;
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
        runTmpfs.ifPresent(directory ->
                step.add("--tmpfs=" + directory + ":" + profile.workspaceBytes() + ":" + (runInodes + 4L)));
        if (dropPrivileges) {
            step.add("--uid=" + uid);
            step.add("--gid=" + uid);
        }
        step.add("--");
        return step;
    }
}
