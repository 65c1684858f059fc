package ai.prometheus.sandbox.runtime;

import ai.prometheus.sandbox.egress.EgressConfig;
import ai.prometheus.sandbox.egress.EgressGrant;
import ai.prometheus.sandbox.egress.EgressProxy;
import ai.prometheus.sandbox.egress.RunEgress;
import ai.prometheus.shared.sandbox.ExecutionStatus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs code in sandboxes: the one entry point the rest of the service uses. At start it finds out
 * what the host offers (bubblewrap, cgroups, seccomp, root to drop from), proves isolation works
 * with a real probe run, and starts the warm pool in the background. A host that cannot isolate
 * leaves the service not ready, and every run is refused, unless an operator explicitly disabled
 * isolation for development.
 */
@ApplicationScoped
public class SandboxRuntime {

    private static final Logger LOG = Logger.getLogger(SandboxRuntime.class);
    private static final String INSECURE_WARNING = "SANDBOX ISOLATION IS DISABLED (sandbox.isolation.insecure-disable=true):"
            + " submitted code runs as a plain process on this host. Development only; never expose this service.";

    private static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    static {
        // vfork + exec starts the launcher directly; the default posix_spawn goes through the JDK's
        // jspawnhelper, one more exec on every cold start. Set before this JVM starts any process;
        // an operator's explicit choice stands.
        if (System.getProperty(LAUNCH_MECHANISM) == null && "Linux".equals(System.getProperty("os.name"))) {
            System.setProperty(LAUNCH_MECHANISM, "VFORK");
        }
    }

    private final SandboxConfig config;
    private final EgressProxy egressProxy;
    private final EgressConfig egressConfig;
    private final RunLimits defaults;
    private final RunLimits maxima;
    private final Map<Language, String> executables = new EnumMap<>(Language.class);
    private final Set<Integer> activeUids = ConcurrentHashMap.newKeySet();
    private final Set<String> activeCgroups = ConcurrentHashMap.newKeySet();
    private final AtomicLong sandboxCounter = new AtomicLong();

    private ExecutorService io;
    private ExecutorService warmers;
    private ScheduledExecutorService timers;
    private Optional<Cgroups> cgroups = Optional.empty();
    private UidBlock uids;
    private SandboxLauncher launcher;
    private WarmPool pool;
    private boolean dropPrivileges;
    private Optional<Path> networkSeccomp = Optional.empty();
    private Path nodePreload;
    private Path egressSockets;
    private volatile IsolationStatus status = IsolationStatus.starting();
    private volatile WorkspaceQuota workspaceQuota = WorkspaceQuota.UNDECIDED;

    /** Without an egress proxy (the benchmark): runs with a network policy are refused. */
    public SandboxRuntime(SandboxConfig config) {
        this(config, null, null);
    }

    @Inject
    public SandboxRuntime(SandboxConfig config, EgressProxy egressProxy, EgressConfig egressConfig) {
        this.config = config;
        this.egressProxy = egressProxy;
        this.egressConfig = egressConfig;
        this.defaults = RunLimits.of(config.limits().defaults());
        this.maxima = RunLimits.of(config.limits().max());
    }

    void start(@Observes StartupEvent startup) {
        io = Executors.newCachedThreadPool(daemon("sandbox-io"));
        timers = Executors.newScheduledThreadPool(2, daemon("sandbox-timer"));
        warmers = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()),
                daemon("sandbox-warmer"));
        for (Language language : Language.values()) {
            SandboxConfig.LanguageSettings settings = config.languages().get(language.apiName());
            String executable = settings != null && settings.executable().isPresent()
                    ? settings.executable().get() : language.defaultExecutable();
            if (Files.isExecutable(Path.of(executable))) {
                executables.put(language, executable);
            } else {
                LOG.warnf("Language %s is unavailable: %s is not an executable on this host", language.apiName(), executable);
            }
        }
        try {
            initialize();
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "The sandbox cannot isolate code on this host; executions are refused");
            status = notReady("the sandbox could not initialize: " + e.getMessage());
        }
        if (!status.ready()) {
            timers.scheduleWithFixedDelay(this::reprobe, config.isolation().reprobeInterval().toMillis(),
                    config.isolation().reprobeInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void initialize() throws IOException {
        SandboxConfig.Isolation isolation = config.isolation();
        Path state = Path.of(config.stateDir());
        if (Files.notExists(state, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(state);
            // Whatever the umask: the sandboxes' own uids must be able to search it (see below). Never
            // through a link someone put there meanwhile: the checks below refuse a link anyway.
            Files.getFileAttributeView(state, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        int serviceUid = HostProcesses.realUid(Path.of("/proc/self/status"));
        String unsafe = unsafeStateDirectory(state, serviceUid);
        if (unsafe != null) {
            status = notReady(unsafe);
            return;
        }
        dropPrivileges = serviceUid == 0;
        if (uids == null) {
            uids = UidBlock.claim(state.resolve("locks"), isolation.uidBase(), isolation.uidBlockSize(),
                    isolation.uidBlocks());
            // A crashed replica that held this block may have left processes and groups behind.
            HostProcesses.killOwnedBy(uids::contains);
            if (!"off".equalsIgnoreCase(isolation.cgroups())) {
                cgroups = Cgroups.detect("prometheus-sandbox-" + uids.index());
                cgroups.ifPresent(Cgroups::purge);
            }
        }
        boolean insecure = isolation.insecureDisable();
        Optional<Path> seccomp = Optional.empty();
        boolean disableUserns = false;
        if (!insecure) {
            if (!Files.isExecutable(Path.of(isolation.bwrap()))) {
                status = notReady("bubblewrap is not installed at " + isolation.bwrap()
                        + " (Debian: apt-get install bubblewrap)");
                return;
            }
            disableUserns = bubblewrapAtLeast(0, 8);
            if (isolation.seccomp()) {
                Optional<byte[]> filter = SeccompFilter.forThisMachine();
                if (filter.isPresent()) {
                    Path file = state.resolve("seccomp-" + uids.index() + ".bpf");
                    Files.write(file, filter.get());
                    seccomp = Optional.of(file);
                    Path networkFile = state.resolve("seccomp-network-" + uids.index() + ".bpf");
                    Files.write(networkFile, SeccompFilter.forThisMachine(true).orElseThrow());
                    networkSeccomp = Optional.of(networkFile);
                } else {
                    LOG.warnf("No seccomp filter for architecture %s; namespaces and limits still apply",
                            System.getProperty("os.arch"));
                }
            }
            if (!dropPrivileges && cgroups.isEmpty()) {
                status = notReady("the service runs without root and has no writable cgroup: it could neither give"
                        + " each sandbox its own uid nor limit its processes; run it as root (it drops to an"
                        + " unprivileged uid per sandbox) or delegate a cgroup to it");
                return;
            }
        }
        Optional<Path> launchProgram = launchProgram(isolation.launcher(), state.resolve("sandbox-launch-" + uids.index()));
        if (isolation.launcher() == SandboxConfig.LauncherKind.NATIVE && launchProgram.isEmpty()) {
            status = notReady("sandbox.isolation.launcher=native, but this build has no sandbox-launch for "
                    + System.getProperty("os.arch") + " (it is built when a C compiler is present: Debian: apt-get"
                    + " install gcc libc6-dev); use auto or shell");
            return;
        }
        List<Path> identity = insecure ? List.of()
                : SandboxIdentity.write(state.resolve("identity-" + uids.index()), isolation.innerUid());
        workspaceQuota = decideWorkspaceQuota(state, insecure, launchProgram.isPresent());
        Optional<Path> runTmpfs = workspaceQuota.freshRuns() ? Optional.of(state.resolve("run-tmpfs")) : Optional.empty();
        launcher = new SandboxLauncher(isolation, executables, seccomp, disableUserns, dropPrivileges, launchProgram,
                identity, runTmpfs, config.workspaces().runInodes());
        if (egressProxy != null && launcher.supportsEgress()) {
            nodePreload = EgressFiles.writeNodePreload(state.resolve("egress-node-" + uids.index() + ".js"));
            egressSockets = EgressFiles.socketParent(state.resolve("egress-" + uids.index()));
        }
        if (insecure) {
            LOG.error(INSECURE_WARNING);
        }
        String probeFailure = probe();
        String cgroupVersion = cgroups.map(Cgroups::version).orElse("none");
        List<String> languages = executables.keySet().stream().map(Language::apiName).toList();
        if (probeFailure != null) {
            status = new IsolationStatus(false, insecure ? "insecure-none" : "bubblewrap", cgroupVersion,
                    seccomp.isPresent(), languages, probeFailure);
            LOG.errorf("Sandbox probe failed, executions are refused: %s", probeFailure);
            return;
        }
        status = new IsolationStatus(true, insecure ? "insecure-none" : "bubblewrap", cgroupVersion, seccomp.isPresent(),
                languages, insecure ? INSECURE_WARNING
                        : "isolated with bubblewrap, started by " + launcher.firstStep() + "; cgroups " + cgroupVersion
                                + "; seccomp " + (seccomp.isPresent() ? "on" : "off") + "; uids " + uids.first() + ".." + (uids.first() + uids.size() - 1));
        LOG.infof("Sandbox ready: %s; languages %s", status.detail(), languages);
        startPool();
    }

    /**
     * Kernel-held quotas where this host lets the service mount (root in its mount namespace, proven
     * by mounting a tiny tmpfs), else the periodic scan, said loudly: an operator must know that a
     * session can then pass its quota between two scans and that inodes are not limited.
     */
    private WorkspaceQuota decideWorkspaceQuota(Path state, boolean insecure, boolean launchProgram) throws IOException {
        String unavailable;
        if ("off".equalsIgnoreCase(config.workspaces().kernelQuota())) {
            unavailable = "turned off (sandbox.workspaces.kernel-quota=off)";
        } else if (insecure) {
            unavailable = "isolation is disabled";
        } else if (!dropPrivileges) {
            unavailable = "the service does not run as root, so it cannot mount a tmpfs per workspace";
        } else {
            String failure = TmpfsMounts.probe(state.resolve("quota-probe"));
            unavailable = failure == null ? null : "mounting a tmpfs failed (the container needs CAP_SYS_ADMIN): " + failure;
        }
        if (unavailable != null) {
            String detail = "WORKSPACE QUOTAS ARE NOT ENFORCED BY THE KERNEL: " + unavailable + "; session workspaces"
                    + " are scanned every 50 ms during a run (bytes only: file counts are checked on upload, a run can"
                    + " pass its quota between two scans), fresh runs get bubblewrap's size-limited tmpfs (bytes only)";
            LOG.warn(detail);
            return new WorkspaceQuota(false, false, detail);
        }
        if (!launchProgram) {
            String detail = "session workspaces: kernel (tmpfs per session); fresh runs: bubblewrap's size-limited"
                    + " tmpfs without an inode limit, because this build has no sandbox-launch";
            LOG.warn(detail);
            return new WorkspaceQuota(true, false, detail);
        }
        Path runTmpfs = state.resolve("run-tmpfs");
        if (Files.notExists(runTmpfs, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(runTmpfs);
        }
        Files.getFileAttributeView(runTmpfs, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(PosixFilePermissions.fromString("rwx--x--x"));
        return new WorkspaceQuota(true, true, "kernel: a tmpfs per session workspace and per fresh run (bytes and inodes)");
    }

    /** How workspaces are held to their quotas here. */
    public WorkspaceQuota workspaceQuota() {
        return workspaceQuota;
    }

    /**
     * Why the state directory cannot be trusted or used, or null. Root executes {@code sandbox-launch}
     * from it and hands every sandbox the seccomp filter written there: anyone else able to replace
     * its entries could run code as root or weaken the filter. Run by root, sandboxes run under uids
     * of their own and mount their init and session workspaces from it: others must be able to
     * search it.
     */
    static String unsafeStateDirectory(Path state, int serviceUid) throws IOException {
        if (Files.isSymbolicLink(state)) {
            // Whoever owns the link can point it elsewhere at any time.
            return "the sandbox state directory " + state + " is a symbolic link; set SANDBOX_STATE_DIR to the"
                    + " directory itself";
        }
        int owner = (Integer) Files.getAttribute(state, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != serviceUid) {
            return "the sandbox state directory " + state + " belongs to uid " + owner + ", not to the service's uid "
                    + serviceUid + "; set SANDBOX_STATE_DIR to a directory of its own";
        }
        int mode = (Integer) Files.getAttribute(state, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0022) != 0) {
            return "the sandbox state directory " + state + " is writable by others (mode "
                    + Integer.toOctalString(mode & 0777) + "); make it writable by its owner only, or set"
                    + " SANDBOX_STATE_DIR to a directory of its own";
        }
        if (serviceUid == 0 && (mode & 0001) == 0) {
            return "the sandbox state directory " + state + " cannot be searched by others (mode "
                    + Integer.toOctalString(mode & 0777) + "); sandboxes run as their own uids and mount their init"
                    + " and session workspaces from it: make it at least 0711";
        }
        return null;
    }

    /**
     * The installed {@code sandbox-launch} program, or empty for the shell. {@code auto} falls back to
     * the shell, saying why, when the build has no program or it does not run here; {@code native}
     * fails instead.
     */
    private static Optional<Path> launchProgram(SandboxConfig.LauncherKind kind, Path target) throws IOException {
        if (kind == SandboxConfig.LauncherKind.SHELL) {
            return Optional.empty();
        }
        try {
            Optional<Path> program = LaunchProgram.install(target);
            if (program.isEmpty()) {
                LOG.infof("This build has no sandbox-launch for %s (built without a C compiler): sandboxes start"
                        + " through /bin/sh, chown and setpriv, about 2 ms slower per cold start", System.getProperty("os.arch"));
            }
            return program;
        } catch (IOException e) {
            if (kind == SandboxConfig.LauncherKind.NATIVE) {
                throw e;
            }
            LOG.warnf("sandbox-launch does not run on this host (%s): sandboxes start through /bin/sh and setpriv",
                    e.getMessage());
            return Optional.empty();
        }
    }

    private void startPool() {
        Map<Language, Integer> targets = new EnumMap<>(Language.class);
        Map<Language, StartProfile> profiles = new EnumMap<>(Language.class);
        for (Language language : executables.keySet()) {
            SandboxConfig.LanguageSettings settings = config.languages().get(language.apiName());
            int size = settings != null && settings.poolSize().isPresent() ? settings.poolSize().get() : config.pool().size();
            targets.put(language, Math.max(0, size));
            profiles.put(language, profileFor(language, defaults, null));
        }
        pool = new WarmPool(targets, profiles, this::prepareWarm, warmers, timers, io);
        pool.fillAll();
    }

    private void reprobe() {
        if (status.ready()) {
            return;
        }
        try {
            if (launcher == null) {
                initialize();
            } else {
                String failure = probe();
                if (failure == null) {
                    status = new IsolationStatus(true, status.mode(), status.cgroups(), status.seccomp(), status.languages(),
                            "isolation recovered");
                    LOG.info("Sandbox probe succeeded: executions are accepted again");
                    if (pool == null) {
                        startPool();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("Sandbox still unavailable: %s", e.getMessage());
        }
    }

    /** Runs a tiny program in a real sandbox and checks what it saw; null when isolation works. */
    private String probe() {
        Language language = executables.containsKey(Language.BASH) ? Language.BASH
                : executables.containsKey(Language.PYTHON) ? Language.PYTHON : null;
        if (language == null) {
            return executables.isEmpty() ? "no language interpreter is installed" : null;
        }
        String code = language == Language.BASH
                ? "echo \"$(id -u) $(cat /proc/sys/kernel/hostname 2>/dev/null || echo -) $$\""
                : "import os\nprint(os.getuid(), open('/proc/sys/kernel/hostname').read().strip(), os.getpid())";
        RunLimits limits = new RunLimits(5_000, 15_000, Math.max(64, defaults.memoryMb()), 16, 4096, 8);
        RunOutcome outcome = runCold(language, code.getBytes(StandardCharsets.UTF_8), new byte[0], limits, null);
        if (outcome.status() != ExecutionStatus.OK) {
            return "the probe run ended " + outcome.status() + ": " + outcome.message() + " " + outcome.stderr().strip();
        }
        if (!config.isolation().insecureDisable()) {
            // A fresh pid namespace, in which the interpreter is the first process or the init's child.
            String expected = config.isolation().innerUid() + " sandbox " + launcher.interpreterPidInside();
            if (!outcome.stdout().strip().equals(expected)) {
                return "the probe ran but was not isolated as expected (saw '" + outcome.stdout().strip() + "', expected '"
                        + expected + "')";
            }
        }
        return null;
    }

    /**
     * Runs {@code code} and blocks until it ended. Failures of the platform come back as an
     * {@code INTERNAL_ERROR} outcome; only an unavailable sandbox throws.
     *
     * @param workspace a session's workspace to mount at /workspace, or null for a fresh one
     */
    public RunOutcome run(Language language, byte[] code, byte[] stdin, RunLimits limits, Workspace workspace) {
        return run(language, code, stdin, Map.of(), limits, workspace, null);
    }

    /** The same with {@code environment}: variables (the run's secrets) the bootstrap exports before the code runs. */
    public RunOutcome run(Language language, byte[] code, byte[] stdin, Map<String, String> environment, RunLimits limits,
            Workspace workspace) {
        return run(language, code, stdin, environment, limits, workspace, null);
    }

    /**
     * The same, with a way out through the egress proxy under {@code egress} (null: no network at
     * all). Such a run always starts cold: its sandbox gets the proxy's socket, the bridge and a
     * filter that allows TCP sockets, which no pooled sandbox has.
     */
    public RunOutcome run(Language language, byte[] code, byte[] stdin, Map<String, String> environment, RunLimits limits,
            Workspace workspace, EgressGrant egress) {
        IsolationStatus current = status;
        if (!current.ready()) {
            throw new IsolationUnavailableException(current.detail());
        }
        if (!executables.containsKey(language)) {
            throw new IsolationUnavailableException("the " + language.apiName() + " interpreter is not installed on this host");
        }
        if (config.isolation().insecureDisable()) {
            LOG.warn(INSECURE_WARNING);
        }
        if (egress != null && !supportsEgress()) {
            throw new IsolationUnavailableException("runs with a network policy need the egress proxy and"
                    + " sandbox-launch (built when a C compiler is present) with full isolation");
        }
        Instant startedAt = Instant.now();
        long startNanos = System.nanoTime();
        if (egress != null) {
            return runCold(language, code, stdin, environment, limits, workspace, startedAt, startNanos, egress);
        }
        StartProfile profile = profileFor(language, limits, workspace);
        Optional<Sandbox> warm = pool == null ? Optional.empty() : pool.take(profile);
        if (warm.isEmpty()) {
            return runCold(language, code, stdin, environment, limits, workspace, startedAt, startNanos, null);
        }
        Sandbox sandbox = warm.get();
        try {
            return sandbox.run(code, stdin, environment, limits, null, true, startedAt, startNanos, io, timers);
        } catch (RuntimeException e) {
            LOG.errorf(e, "A warm sandbox failed");
            return RunOutcome.internalError("the sandbox failed: " + e.getMessage(), startedAt);
        } finally {
            io.execute(() -> {
                sandbox.destroy();
                pool.refill(language);
            });
        }
    }

    private RunOutcome runCold(Language language, byte[] code, byte[] stdin, RunLimits limits, Workspace workspace) {
        return runCold(language, code, stdin, Map.of(), limits, workspace, Instant.now(), System.nanoTime(), null);
    }

    private RunOutcome runCold(Language language, byte[] code, byte[] stdin, Map<String, String> environment,
            RunLimits limits, Workspace workspace, Instant startedAt, long startNanos, EgressGrant egress) {
        Sandbox sandbox;
        try {
            sandbox = launch(profileFor(language, limits, workspace), limits, egress);
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "A sandbox could not be started");
            return RunOutcome.internalError("the sandbox could not be started: " + e.getMessage(), startedAt);
        }
        try {
            long waited = (System.nanoTime() - startNanos) / 1_000_000;
            long wallLeft = limits.wallMs() - waited;
            Duration startBudget = Duration.ofMillis(Math.max(1, Math.min(config.pool().startTimeout().toMillis(), wallLeft)));
            if (!sandbox.awaitReady(startBudget, timers)) {
                if (wallLeft <= config.pool().startTimeout().toMillis()
                        && (sandbox.startCutShort() || (System.nanoTime() - startNanos) / 1_000_000 >= limits.wallMs())) {
                    // The wall limit, not the platform, ended the start: a timeout of the run.
                    return RunOutcome.wallTimeoutBeforeStart(limits, startedAt);
                }
                String stderr = sandbox.startFailure();
                LOG.errorf("A sandbox failed to start: %s", stderr);
                return RunOutcome.internalError("the sandbox failed to start" + (stderr.isEmpty() ? "" : ": "
                        + stderr.split("\n", 2)[0]), startedAt);
            }
            return sandbox.run(code, stdin, environment, limits, workspace, false, startedAt, startNanos, io, timers);
        } catch (RuntimeException e) {
            LOG.errorf(e, "A sandbox failed");
            return RunOutcome.internalError("the sandbox failed: " + e.getMessage(), startedAt);
        } finally {
            io.execute(sandbox::destroy);
        }
    }

    /** A warm sandbox for the pool: started with the operator's maxima in its cgroup, then waited for. */
    private Sandbox prepareWarm(StartProfile profile) {
        Sandbox sandbox;
        try {
            sandbox = launch(profile, maxima);
        } catch (IOException | RuntimeException e) {
            LOG.debugf(e, "A warm sandbox could not be started");
            return null;
        }
        if (sandbox.awaitReady(config.pool().startTimeout(), timers)) {
            return sandbox;
        }
        io.execute(sandbox::destroy);
        return null;
    }

    /**
     * Starts a sandbox process, then creates its cgroups while the interpreter boots (it joins them
     * once ready) and sets {@code groupLimits} on them: the pool's maxima, which the run lowers, or
     * a cold run's own limits, which leaves the run nothing to write.
     */
    private Sandbox launch(StartProfile profile, RunLimits groupLimits) throws IOException {
        return launch(profile, groupLimits, null);
    }

    private Sandbox launch(StartProfile profile, RunLimits groupLimits, EgressGrant egress) throws IOException {
        int uid = uids.take(Duration.ofSeconds(10).toMillis());
        activeUids.add(uid);
        SandboxCgroup group = SandboxCgroup.NONE;
        Path insecureWorkspace = null;
        Process process = null;
        RunEgress runEgress = null;
        try {
            SandboxLauncher.EgressMount mount = null;
            if (egress != null) {
                runEgress = egressProxy.open(egress, egressSockets, uid, dropPrivileges);
                mount = new SandboxLauncher.EgressMount(runEgress.directory(), RunEgress.SOCKET_NAME,
                        egressConfig.innerPort(), networkSeccomp, nodePreload);
            }
            if (!launcher.isolated()) {
                insecureWorkspace = profile.sessionWorkspace() != null ? profile.sessionWorkspace()
                        : Files.createDirectories(Path.of(config.stateDir(), "insecure", Integer.toString(uid)));
            }
            // The run's uid must own what it may change: a session's files belong to whoever ran last.
            Path writable = profile.sessionWorkspace() != null ? profile.sessionWorkspace() : insecureWorkspace;
            if (writable != null && dropPrivileges) {
                chownTree(writable, uid);
            }
            process = launcher.start(profile, uid, insecureWorkspace, mount);
            if (cgroups.isPresent()) {
                group = cgroups.get().create("s" + uid + "-" + sandboxCounter.incrementAndGet());
                activeCgroups.add(group.name());
                group.limitMemory(groupLimits.memoryBytes());
                group.limitProcesses(groupLimits.maxProcesses());
            }
            SandboxCgroup owned = group;
            Path ownedWorkspace = profile.sessionWorkspace() == null ? insecureWorkspace : null;
            return new Sandbox(profile, uid, group, process, launcher.isolated(), launcher.interpreterDepth(), groupLimits,
                    () -> release(uid, owned, ownedWorkspace), runEgress);
        } catch (IOException | RuntimeException e) {
            if (runEgress != null) {
                runEgress.close();
            }
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            release(uid, group, profile.sessionWorkspace() == null ? insecureWorkspace : null);
            throw e;
        }
    }


    private void release(int uid, SandboxCgroup group, Path insecureWorkspace) {
        if (group != SandboxCgroup.NONE && !group.remove()) {
            LOG.warnf("Sandbox cgroup %s could not be removed; it is reported as a leftover", group.name());
        }
        activeCgroups.remove(group.name());
        if (insecureWorkspace != null) {
            deleteTree(insecureWorkspace);
        }
        activeUids.remove(uid);
        uids.giveBack(uid);
    }

    /**
     * What is fixed at start for a run with {@code limits}. With cgroups the per-request limits
     * live there, so the rlimits are backstops at the operator's maxima and only the workspace size
     * distinguishes profiles; without cgroups the rlimits carry the request's own limits.
     */
    StartProfile profileFor(Language language, RunLimits limits, Workspace session) {
        long workspace = limits.diskBytes();
        // A session's files may each be as large as its whole quota; a fresh workspace's as its tmpfs.
        long fileSize = session != null ? session.quotaBytes() : workspace;
        Path sessionDirectory = session != null ? session.directory() : null;
        boolean limitUid = dropPrivileges;
        // The uid's process rlimit also counts the chain's own processes (bubblewrap, the init).
        int helpers = launcher == null ? 0 : launcher.helperProcesses();
        if (cgroups.isPresent()) {
            return new StartProfile(language, seconds(maxima.cpuMs()) + 1, fileSize,
                    limitUid ? maxima.maxProcesses() + 1 + helpers : 0, 0, workspace, sessionDirectory);
        }
        long addressSpace = language.addressSpaceLimitSafe() ? limits.memoryBytes() + 64 * RunLimits.MIB : 0;
        return new StartProfile(language, seconds(limits.cpuMs()), fileSize,
                limitUid ? limits.maxProcesses() + helpers : 0, addressSpace, workspace, sessionDirectory);
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    public IsolationStatus status() {
        return status;
    }

    public RunLimits defaults() {
        return defaults;
    }

    public RunLimits maxima() {
        return maxima;
    }

    /** How sandboxes are started; the benchmark measures the isolation chain alone with it. */
    SandboxLauncher launcher() {
        return launcher;
    }

    /** Whether runs with a network policy can run here (egress proxy, sandbox-launch, isolation). */
    public boolean supportsEgress() {
        return egressSockets != null && launcher != null && launcher.supportsEgress();
    }

    public boolean supports(Language language) {
        return executables.containsKey(language);
    }

    public List<String> languages() {
        return executables.keySet().stream().map(Language::apiName).toList();
    }

    /** Sandboxes waiting in the warm pool, per language name. */
    public Map<String, Integer> warmSandboxes() {
        Map<String, Integer> sizes = new java.util.LinkedHashMap<>();
        if (pool != null) {
            pool.sizes().forEach((language, size) -> sizes.put(language.apiName(), size));
        }
        return sizes;
    }

    /**
     * Processes running as one of this replica's sandbox uids that belong to no live sandbox, and
     * sandbox cgroups that belong to none: both must always be empty.
     */
    public Leftovers leftovers() {
        List<Long> processes = HostProcesses.ownedBy(uid -> uids != null && uids.contains(uid) && !activeUids.contains(uid));
        List<String> groups = new ArrayList<>();
        cgroups.ifPresent(c -> c.existing().stream().filter(name -> !activeCgroups.contains(name)).forEach(groups::add));
        return new Leftovers(processes, groups);
    }

    /** Processes and cgroups that outlived their sandbox. */
    public record Leftovers(List<Long> processes, List<String> cgroups) {
        public boolean none() {
            return processes.isEmpty() && cgroups.isEmpty();
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (pool != null) {
            pool.close();
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (warmers != null) {
            warmers.shutdownNow();
        }
        if (uids != null) {
            HostProcesses.killOwnedBy(uids::contains);
        }
        cgroups.ifPresent(Cgroups::removeAll);
        if (io != null) {
            io.shutdownNow();
        }
        if (uids != null) {
            try {
                uids.close();
            } catch (IOException e) {
                LOG.debugf("Releasing the uid block failed: %s", e.getMessage());
            }
        }
    }

    private boolean bubblewrapAtLeast(int major, int minor) {
        try {
            Process version = new ProcessBuilder(config.isolation().bwrap(), "--version").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            version.waitFor(5, TimeUnit.SECONDS);
            java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(text);
            if (matcher.find()) {
                int foundMajor = Integer.parseInt(matcher.group(1));
                int foundMinor = Integer.parseInt(matcher.group(2));
                return foundMajor > major || (foundMajor == major && foundMinor >= minor);
            }
        } catch (IOException e) {
            LOG.debugf("bwrap --version failed: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private IsolationStatus notReady(String detail) {
        return new IsolationStatus(false, "bubblewrap", cgroups.map(Cgroups::version).orElse("none"), false,
                executables.keySet().stream().map(Language::apiName).toList(), detail);
    }

    private static void chownTree(Path root, int uid) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.setAttribute(dir, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(dir, "unix:gid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.setAttribute(file, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(file, "unix:gid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.debugf("Could not delete %s: %s", root, e.getMessage());
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
