package ai.prometheus.sandbox.runtime;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.egress.EgressConfig;
import ai.prometheus.sandbox.egress.EgressGrant;
import ai.prometheus.sandbox.egress.EgressProxy;
import ai.prometheus.sandbox.egress.RunEgress;
import ai.prometheus.sandbox.host.FileTrees;
import ai.prometheus.sandbox.host.Host;
import ai.prometheus.sandbox.host.HostProcesses;
import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.host.SandboxCgroup;
import ai.prometheus.sandbox.host.WarmingGroup;
import ai.prometheus.sandbox.launch.EgressFiles;
import ai.prometheus.sandbox.launch.SandboxLauncher;
import ai.prometheus.sandbox.launch.StartProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Starts and releases sandboxes on a detected host: a uid from the replica's block, the process
 * through the launcher, a cgroup with its limits, the egress socket of a run with a network
 * policy; and hands each back when its sandbox is destroyed. Knows which uids and groups are live,
 * so anything else of this replica is a leftover.
 */
final class SandboxStarter {

    private static final Logger LOG = Logger.getLogger(SandboxStarter.class);

    private final Host host;
    private final SandboxLauncher launcher;
    private final RunLimits maxima;
    private final Path stateDir;
    private final Optional<Egress> egress;
    private final Set<Integer> activeUids = ConcurrentHashMap.newKeySet();
    private final Set<String> activeCgroups = ConcurrentHashMap.newKeySet();
    private final AtomicLong counter = new AtomicLong();

    /** The egress proxy and the files its runs mount. */
    private record Egress(EgressProxy proxy, EgressConfig config, Path sockets, Path nodePreload) {}

    /** {@code proxy} null: runs with a network policy are refused (the benchmark has no proxy). */
    SandboxStarter(
            Host host, SandboxLauncher launcher, SandboxConfig config, EgressProxy proxy, EgressConfig egressConfig)
            throws IOException {
        this.host = host;
        this.launcher = launcher;
        this.maxima = RunLimits.of(config.limits().max());
        this.stateDir = Path.of(config.stateDir());
        if (proxy != null && launcher.supportsEgress()) {
            int block = host.uids().index();
            this.egress = Optional.of(new Egress(
                    proxy,
                    egressConfig,
                    EgressFiles.socketParent(host.stateDir().resolve("egress-" + block)),
                    EgressFiles.writeNodePreload(host.stateDir().resolve("egress-node-" + block + ".js"))));
        } else {
            this.egress = Optional.empty();
        }
    }

    SandboxLauncher launcher() {
        return launcher;
    }

    boolean supportsEgress() {
        return egress.isPresent();
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
        boolean limitUid = host.root();
        // The uid's process rlimit also counts the chain's own processes (bubblewrap, the init).
        int helpers = launcher.helperProcesses();
        if (host.cgroups().isPresent()) {
            return new StartProfile(
                    language,
                    seconds(maxima.cpuMs()) + 1,
                    fileSize,
                    limitUid ? maxima.maxProcesses() + 1 + helpers : 0,
                    0,
                    workspace,
                    sessionDirectory);
        }
        long addressSpace = language.addressSpaceLimitSafe() ? limits.memoryBytes() + 64 * RunLimits.MIB : 0;
        return new StartProfile(
                language,
                seconds(limits.cpuMs()),
                fileSize,
                limitUid ? limits.maxProcesses() + helpers : 0,
                addressSpace,
                workspace,
                sessionDirectory);
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    /**
     * Starts a sandbox process, then creates its cgroups while the interpreter boots (it joins them
     * once ready) and sets {@code groupLimits} on them: the pool's defaults, which a run may change, or
     * a cold run's own limits, which leaves the run nothing to write. {@code grant}: the run's way
     * out through the egress proxy, or null. {@code warming}: the CPU group the process starts in
     * ({@link WarmingGroup#NONE}: the service's own).
     */
    Sandbox launch(StartProfile profile, RunLimits groupLimits, EgressGrant grant, WarmingGroup warming)
            throws IOException {
        int uid = host.uids().take(Duration.ofSeconds(10).toMillis());
        activeUids.add(uid);
        SandboxCgroup group = SandboxCgroup.NONE;
        Path insecureWorkspace = null;
        Process process = null;
        RunEgress runEgress = null;
        try {
            SandboxLauncher.EgressMount mount = null;
            if (grant != null) {
                Egress way = egress.orElseThrow(() -> new IllegalStateException("this runtime has no egress proxy"));
                runEgress = way.proxy().open(grant, way.sockets(), uid, host.root());
                mount = new SandboxLauncher.EgressMount(
                        runEgress.directory(),
                        RunEgress.SOCKET_NAME,
                        way.config().innerPort(),
                        host.networkSeccomp(),
                        way.nodePreload());
            }
            if (!launcher.isolated()) {
                insecureWorkspace = profile.sessionWorkspace() != null
                        ? profile.sessionWorkspace()
                        : Files.createDirectories(stateDir.resolve("insecure").resolve(Integer.toString(uid)));
            }
            // The run's uid must own what it may change: a session's files belong to whoever ran last.
            Path writable = profile.sessionWorkspace() != null ? profile.sessionWorkspace() : insecureWorkspace;
            if (writable != null && host.root()) {
                FileTrees.chown(writable, uid);
            }
            process = launcher.start(profile, uid, insecureWorkspace, mount);
            warming.enter(process);
            if (host.cgroups().isPresent()) {
                group = host.cgroups().get().create("s" + uid + "-" + counter.incrementAndGet());
                activeCgroups.add(group.name());
                group.limitMemory(groupLimits.memoryBytes());
                group.limitProcesses(groupLimits.maxProcesses());
            }
            SandboxCgroup owned = group;
            Path ownedWorkspace = profile.sessionWorkspace() == null ? insecureWorkspace : null;
            return new Sandbox(
                    profile,
                    uid,
                    group,
                    process,
                    launcher.isolated(),
                    launcher.interpreterDepth(),
                    groupLimits,
                    () -> release(uid, owned, ownedWorkspace),
                    runEgress);
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
            FileTrees.deleteQuietly(insecureWorkspace);
        }
        activeUids.remove(uid);
        host.uids().giveBack(uid);
    }

    /** Processes of this replica's uids that belong to no live sandbox, and groups that belong to none. */
    SandboxRuntime.Leftovers leftovers() {
        List<Long> processes = HostProcesses.ownedBy(uid -> host.uids().contains(uid) && !activeUids.contains(uid));
        List<String> groups = new ArrayList<>();
        host.cgroups()
                .ifPresent(c -> c.existing().stream()
                        .filter(name -> !activeCgroups.contains(name))
                        .forEach(groups::add));
        return new SandboxRuntime.Leftovers(processes, groups);
    }
}
