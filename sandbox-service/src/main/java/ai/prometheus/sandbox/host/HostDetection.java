package ai.prometheus.sandbox.host;

import ai.prometheus.sandbox.config.SandboxConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Finds out what the host offers (interpreters, root, cgroups, seccomp, bubblewrap, mounts) and
 * claims this replica's uid block: a {@link Host}, or an {@link UnusableHostException} saying why
 * code cannot be isolated here. A failed detection holds nothing, so it can simply be tried again.
 */
public final class HostDetection {

    private static final Logger LOG = Logger.getLogger(HostDetection.class);

    private HostDetection() {}

    /** The executable of each language whose interpreter is installed here. */
    public static Map<Language, String> interpreters(SandboxConfig config) {
        Map<Language, String> executables = new EnumMap<>(Language.class);
        for (Language language : Language.values()) {
            SandboxConfig.LanguageSettings settings = config.languages().get(language.apiName());
            String executable = settings != null && settings.executable().isPresent()
                    ? settings.executable().get()
                    : language.defaultExecutable();
            if (Files.isExecutable(Path.of(executable))) {
                executables.put(language, executable);
            } else {
                LOG.warnf(
                        "Language %s is unavailable: %s is not an executable on this host",
                        language.apiName(), executable);
            }
        }
        return executables;
    }

    public static Host detect(SandboxConfig config, Map<Language, String> interpreters) throws IOException {
        SandboxConfig.Isolation isolation = config.isolation();
        Path state = Path.of(config.stateDir());
        StateDirectory.createIfMissing(state);
        int serviceUid = HostProcesses.realUid(Path.of("/proc/self/status"));
        String unsafe = StateDirectory.unsafe(state, serviceUid);
        if (unsafe != null) {
            throw new UnusableHostException(unsafe);
        }
        boolean root = serviceUid == 0;
        UidBlock uids = claimUids(
                Path.of(isolation.uidLockDir()),
                state,
                isolation.uidBase(),
                isolation.uidBlockSize(),
                isolation.uidBlocks());
        Optional<Cgroups> cgroups = Optional.empty();
        try {
            // A crashed replica that held this block may have left processes and groups behind.
            HostProcesses.killOwnedBy(uids::contains);
            if (!"off".equalsIgnoreCase(isolation.cgroups())) {
                cgroups = Cgroups.detect("prometheus-sandbox-" + uids.index());
                cgroups.ifPresent(Cgroups::purge);
            }
            return isolation(config, state, interpreters, root, uids, cgroups);
        } catch (IOException | RuntimeException e) {
            cgroups.ifPresent(Cgroups::removeAll);
            uids.close();
            throw e;
        }
    }

    /**
     * Claims a uid block under the host-wide lock directory, or under the state directory where
     * the host-wide one cannot be written (then only instances sharing the state directory are
     * kept apart, and each must be given its own {@code uid-base}).
     */
    static UidBlock claimUids(Path hostWide, Path state, int base, int blockSize, int blocks) throws IOException {
        try {
            return UidBlock.claim(hostWide, base, blockSize, blocks);
        } catch (FileSystemException e) {
            Path fallback = state.resolve("locks");
            LOG.warnf(
                    "cannot claim sandbox uids under %s (%s); claiming them under %s: sandbox services on this"
                            + " host with another state directory need their own sandbox.isolation.uid-base",
                    hostWide, e.getMessage(), fallback);
            return UidBlock.claim(fallback, base, blockSize, blocks);
        }
    }

    private static Host isolation(
            SandboxConfig config,
            Path state,
            Map<Language, String> interpreters,
            boolean root,
            UidBlock uids,
            Optional<Cgroups> cgroups)
            throws IOException {
        SandboxConfig.Isolation isolation = config.isolation();
        boolean insecure = isolation.insecureDisable();
        Optional<Path> seccomp = Optional.empty();
        Optional<Path> networkSeccomp = Optional.empty();
        boolean disableUserns = false;
        if (!insecure) {
            if (!Files.isExecutable(Path.of(isolation.bwrap()))) {
                throw new UnusableHostException("bubblewrap is not installed at " + isolation.bwrap()
                        + " (Debian: apt-get install bubblewrap)");
            }
            disableUserns = bubblewrapAtLeast(isolation.bwrap(), 0, 8);
            if (isolation.seccomp()) {
                Optional<byte[]> filter = SeccompFilter.forThisMachine();
                if (filter.isPresent()) {
                    seccomp = Optional.of(Files.write(state.resolve("seccomp-" + uids.index() + ".bpf"), filter.get()));
                    networkSeccomp = Optional.of(Files.write(
                            state.resolve("seccomp-network-" + uids.index() + ".bpf"),
                            SeccompFilter.forThisMachine(true).orElseThrow()));
                } else {
                    LOG.warnf(
                            "No seccomp filter for architecture %s; namespaces and limits still apply",
                            System.getProperty("os.arch"));
                }
            }
            if (!root && cgroups.isEmpty()) {
                throw new UnusableHostException("the service runs without root and has no writable cgroup: it could"
                        + " neither give each sandbox its own uid nor limit its processes; run it as root (it drops to"
                        + " an unprivileged uid per sandbox) or delegate a cgroup to it");
            }
        }
        return new Host(
                state,
                interpreters,
                root,
                insecure,
                uids,
                cgroups,
                seccomp,
                networkSeccomp,
                disableUserns,
                kernelQuotaUnavailable(config, state, insecure, root));
    }

    /** Why workspaces cannot be tmpfs mounts of their quota here (proven by mounting a tiny one), or empty. */
    private static Optional<String> kernelQuotaUnavailable(
            SandboxConfig config, Path state, boolean insecure, boolean root) {
        if ("off".equalsIgnoreCase(config.workspaces().kernelQuota())) {
            return Optional.of("turned off (sandbox.workspaces.kernel-quota=off)");
        }
        if (insecure) {
            return Optional.of("isolation is disabled");
        }
        if (!root) {
            return Optional.of("the service does not run as root, so it cannot mount a tmpfs per workspace");
        }
        String failure = TmpfsMounts.probe(state.resolve("quota-probe"));
        return Optional.ofNullable(failure)
                .map(f -> "mounting a tmpfs failed (the container needs CAP_SYS_ADMIN): " + f);
    }

    private static boolean bubblewrapAtLeast(String bwrap, int major, int minor) {
        try {
            Process version = new ProcessBuilder(bwrap, "--version")
                    .redirectErrorStream(true)
                    .start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            version.waitFor(5, TimeUnit.SECONDS);
            Matcher matcher = Pattern.compile("(\\d+)\\.(\\d+)").matcher(text);
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
}
