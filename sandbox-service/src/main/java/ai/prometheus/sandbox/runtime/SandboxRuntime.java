package ai.prometheus.sandbox.runtime;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.egress.EgressConfig;
import ai.prometheus.sandbox.egress.EgressGrant;
import ai.prometheus.sandbox.egress.EgressProxy;
import ai.prometheus.sandbox.host.Host;
import ai.prometheus.sandbox.host.HostDetection;
import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.host.UnusableHostException;
import ai.prometheus.sandbox.launch.SandboxLauncher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs code in sandboxes: the one entry point the rest of the service uses. At start it detects
 * the host ({@link HostDetection}), builds the launcher and the starter from what it found, proves
 * isolation works with a real probe run, and fills the warm pool in the background. A host that
 * cannot isolate leaves the service not ready, and every run is refused, unless an operator
 * explicitly disabled isolation for development; it is tried again every reprobe interval.
 *
 * <p>Size: ~320 lines because it owns the one isolation state (detected, probed, ready or refused)
 * that every run and status answer reads, and the start, reprobe and stop that change it; the
 * engines it drives live in their own classes.
 */
@ApplicationScoped
public class SandboxRuntime {

    private static final Logger LOG = Logger.getLogger(SandboxRuntime.class);
    private static final String INSECURE_WARNING =
            "SANDBOX ISOLATION IS DISABLED (sandbox.isolation.insecure-disable=true):"
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

    /** The status and, once the host was detected, the engine: replaced together, never half set. */
    private record State(IsolationStatus status, Optional<Engine> engine) {}

    private final SandboxConfig config;
    private final EgressProxy egressProxy;
    private final EgressConfig egressConfig;
    private final RunLimits defaults;
    private final RunLimits maxima;
    private final Map<Language, String> interpreters;
    private final SandboxThreads threads;
    private final SandboxStarts starts = SandboxStarts.none();
    private volatile State state = new State(IsolationStatus.starting(), Optional.empty());

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
        this.interpreters = HostDetection.interpreters(config);
        this.threads = SandboxThreads.start();
    }

    void start(@Observes StartupEvent startup) {
        open();
    }

    /** Detects the host, probes isolation and fills the pool: the service does it at start, the benchmark by hand. */
    public void open() {
        initialize();
        if (!state.status().ready()) {
            long interval = config.isolation().reprobeInterval().toMillis();
            threads.timers().scheduleWithFixedDelay(this::reprobe, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    private void initialize() {
        Engine engine;
        try {
            engine = engine();
        } catch (UnusableHostException e) {
            LOG.errorf("The sandbox cannot isolate code on this host: %s", e.getMessage());
            state = new State(notReady(e.getMessage(), "none"), Optional.empty());
            return;
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "The sandbox cannot isolate code on this host; executions are refused");
            state = new State(
                    notReady("the sandbox could not initialize: " + e.getMessage(), "none"), Optional.empty());
            return;
        }
        if (engine.host().insecure()) {
            LOG.error(INSECURE_WARNING);
        }
        probe(engine, status(engine));
    }

    private Engine engine() throws IOException {
        Host host = HostDetection.detect(config, interpreters);
        try {
            SandboxLauncher launcher = SandboxLauncher.forHost(
                    host, config, host.kernelQuotaUnavailable().isEmpty());
            return new Engine(
                    host,
                    new SandboxStarter(host, launcher, config, egressProxy, egressConfig),
                    WorkspaceQuota.of(host, launcher),
                    config,
                    threads,
                    starts);
        } catch (IOException | RuntimeException e) {
            host.release();
            throw e;
        }
    }

    private IsolationStatus status(Engine engine) {
        Host host = engine.host();
        String cgroups = host.cgroupVersion();
        String detail = host.insecure()
                ? INSECURE_WARNING
                : "isolated with bubblewrap, started by "
                        + engine.starter().launcher().firstStep() + "; cgroups " + cgroups
                        + "; seccomp " + (host.seccomp().isPresent() ? "on" : "off") + "; uids "
                        + host.uids().first()
                        + ".." + (host.uids().first() + host.uids().size() - 1);
        return new IsolationStatus(true, mode(host), cgroups, host.seccomp().isPresent(), languages(), detail);
    }

    /** Probes {@code engine}: ready with {@code readyStatus} and a filling pool when isolation works. */
    private void probe(Engine engine, IsolationStatus readyStatus) {
        String failure = IsolationProbe.failure(
                interpreters.keySet(),
                config.isolation(),
                defaults,
                engine.starter().launcher().interpreterPidInside(),
                (language, code, limits) -> engine.runCold(
                        language,
                        code,
                        new byte[0],
                        Map.of(),
                        limits,
                        null,
                        Instant.now(),
                        System.nanoTime(),
                        null,
                        RunWatch.none()));
        if (failure != null) {
            state = new State(
                    new IsolationStatus(
                            false,
                            readyStatus.mode(),
                            readyStatus.cgroups(),
                            readyStatus.seccomp(),
                            languages(),
                            failure),
                    Optional.of(engine));
            LOG.errorf("Sandbox probe failed, executions are refused: %s", failure);
            return;
        }
        state = new State(readyStatus, Optional.of(engine));
        LOG.infof("Sandbox ready: %s; languages %s", readyStatus.detail(), languages());
        engine.pool().fillAll();
    }

    private void reprobe() {
        State current = state;
        if (current.status().ready()) {
            return;
        }
        if (current.engine().isEmpty()) {
            initialize();
        } else {
            IsolationStatus before = status(current.engine().get());
            probe(
                    current.engine().get(),
                    new IsolationStatus(
                            true,
                            before.mode(),
                            before.cgroups(),
                            before.seccomp(),
                            before.languages(),
                            "isolation recovered"));
        }
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
    public RunOutcome run(
            Language language,
            byte[] code,
            byte[] stdin,
            Map<String, String> environment,
            RunLimits limits,
            Workspace workspace) {
        return run(language, code, stdin, environment, limits, workspace, null);
    }

    /**
     * The same, with a way out through the egress proxy under {@code egress} (null: no network at
     * all). Such a run always starts cold: its sandbox gets the proxy's socket, the bridge and a
     * filter that allows TCP sockets, which no pooled sandbox has.
     */
    public RunOutcome run(
            Language language,
            byte[] code,
            byte[] stdin,
            Map<String, String> environment,
            RunLimits limits,
            Workspace workspace,
            EgressGrant egress) {
        return run(language, code, stdin, environment, limits, workspace, egress, RunWatch.none());
    }

    /** The same, with {@code watch} hearing of the run's progress and log events while it goes. */
    public RunOutcome run(
            Language language,
            byte[] code,
            byte[] stdin,
            Map<String, String> environment,
            RunLimits limits,
            Workspace workspace,
            EgressGrant egress,
            RunWatch watch) {
        State current = state;
        if (!current.status().ready() || current.engine().isEmpty()) {
            throw new IsolationUnavailableException(current.status().detail());
        }
        Engine engine = current.engine().get();
        if (!interpreters.containsKey(language)) {
            throw new IsolationUnavailableException(
                    "the " + language.apiName() + " interpreter is not installed on this host");
        }
        if (engine.host().insecure()) {
            LOG.warn(INSECURE_WARNING);
        }
        if (egress != null && !engine.starter().supportsEgress()) {
            throw new IsolationUnavailableException("runs with a network policy need the egress proxy and"
                    + " sandbox-launch (built when a C compiler is present) with full isolation");
        }
        if (language == Language.PYTHON) {
            engine.starter().launcher().pythonPreload().observe(code);
        }
        return engine.run(language, code, stdin, environment, limits, workspace, egress, watch);
    }

    public IsolationStatus status() {
        return state.status();
    }

    /** How workspaces are held to their quotas here. */
    public WorkspaceQuota workspaceQuota() {
        return state.engine().map(Engine::quota).orElse(WorkspaceQuota.UNDECIDED);
    }

    public RunLimits defaults() {
        return defaults;
    }

    public RunLimits maxima() {
        return maxima;
    }

    /** Whether runs with a network policy can run here (egress proxy, sandbox-launch, isolation). */
    public boolean supportsEgress() {
        return state.engine().map(engine -> engine.starter().supportsEgress()).orElse(false);
    }

    public boolean supports(Language language) {
        return interpreters.containsKey(language);
    }

    public List<String> languages() {
        return interpreters.keySet().stream().map(Language::apiName).toList();
    }

    /** Sandboxes waiting in the warm pool, per language name. */
    public Map<String, Integer> warmSandboxes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        state.engine()
                .ifPresent(engine ->
                        engine.pool().sizes().forEach((language, size) -> sizes.put(language.apiName(), size)));
        return sizes;
    }

    /** Sandboxes started since start, by kind. */
    public SandboxStarts sandboxStarts() {
        return starts;
    }

    /** Replacements counted as starting but held back until a run's answer has been written, per language name. */
    public Map<String, Integer> heldReplacements() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        state.engine()
                .ifPresent(engine ->
                        engine.pool().heldStarts().forEach((language, size) -> sizes.put(language.apiName(), size)));
        return sizes;
    }

    /**
     * Processes running as one of this replica's sandbox uids that belong to no live sandbox, and
     * sandbox cgroups that belong to none: both must always be empty.
     */
    public Leftovers leftovers() {
        return state.engine().map(engine -> engine.starter().leftovers()).orElse(new Leftovers(List.of(), List.of()));
    }

    /** Processes and cgroups that outlived their sandbox. */
    public record Leftovers(List<Long> processes, List<String> cgroups) {
        public boolean none() {
            return processes.isEmpty() && cgroups.isEmpty();
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        close();
    }

    /** Ends every sandbox and gives the host's uids and cgroups back. */
    public void close() {
        Optional<Engine> engine = state.engine();
        engine.ifPresent(e -> e.pool().close());
        threads.stopStarting();
        engine.ifPresent(e -> e.host().release());
        threads.stopAll();
    }

    private IsolationStatus notReady(String detail, String cgroups) {
        return new IsolationStatus(false, "bubblewrap", cgroups, false, languages(), detail);
    }

    private static String mode(Host host) {
        return host.insecure() ? "insecure-none" : "bubblewrap";
    }
}
