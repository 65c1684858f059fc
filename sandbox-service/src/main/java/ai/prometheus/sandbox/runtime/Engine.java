package ai.prometheus.sandbox.runtime;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.egress.EgressGrant;
import ai.prometheus.sandbox.host.Host;
import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.host.WarmingGroup;
import ai.prometheus.sandbox.launch.StartProfile;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs code on a detected host: through a warm sandbox when the pool holds one started with the
 * run's profile, else through a cold one started for it. Built whole from the host, the starter
 * and the configuration, or not at all.
 */
final class Engine {

    private static final Logger LOG = Logger.getLogger(Engine.class);

    private final Host host;
    private final SandboxStarter starter;
    private final WorkspaceQuota quota;
    private final SandboxThreads threads;
    private final RunLimits defaults;
    private final Duration startTimeout;
    private final boolean awaitStarting;
    private final Duration refillDelay;
    private final Duration answerWait;
    private final WarmPool pool;
    private final SandboxStarts starts;
    private final WarmingGroup warming;

    Engine(
            Host host,
            SandboxStarter starter,
            WorkspaceQuota quota,
            SandboxConfig config,
            SandboxThreads threads,
            SandboxStarts starts) {
        this.host = host;
        this.starts = starts;
        this.starter = starter;
        this.quota = quota;
        this.threads = threads;
        this.defaults = RunLimits.of(config.limits().defaults());
        this.startTimeout = config.pool().startTimeout();
        this.awaitStarting = config.pool().awaitStarting();
        this.refillDelay = config.pool().refillDelay();
        this.answerWait = config.pool().answerWait();
        Map<Language, Integer> targets = new EnumMap<>(Language.class);
        Map<Language, StartProfile> profiles = new EnumMap<>(Language.class);
        for (Language language : host.interpreters().keySet()) {
            SandboxConfig.LanguageSettings settings = config.languages().get(language.apiName());
            int size = settings != null && settings.poolSize().isPresent()
                    ? settings.poolSize().get()
                    : config.poolSize();
            targets.put(language, Math.max(0, size));
            profiles.put(language, starter.profileFor(language, defaults, null));
        }
        this.warming = warmingGroup(host, config.pool().warmPriority());
        this.pool = new WarmPool(
                targets, profiles, this::prepareWarm, warming, threads.warmers(), threads.timers(), threads.io());
    }

    /** The pool's CPU group for {@code priority}; without a cpu controller, logged once (here) and none. */
    private static WarmingGroup warmingGroup(Host host, SandboxConfig.WarmPriority priority) {
        if (priority == SandboxConfig.WarmPriority.NORMAL || host.cgroups().isEmpty()) {
            return WarmingGroup.NONE;
        }
        String unavailable;
        try {
            Optional<WarmingGroup> group = host.cgroups().get().warmingGroup();
            if (group.isPresent()) {
                return group.get();
            }
            unavailable = "no cpu controller for the service (cgroups " + host.cgroupVersion() + ")";
        } catch (IOException | RuntimeException e) {
            unavailable = e.getMessage();
        }
        LOG.infof(
                "Pooled sandboxes start at the normal CPU priority (sandbox.pool.warm-priority=low): %s", unavailable);
        return WarmingGroup.NONE;
    }

    Host host() {
        return host;
    }

    SandboxStarter starter() {
        return starter;
    }

    WarmPool pool() {
        return pool;
    }

    WorkspaceQuota quota() {
        return quota;
    }

    /** A run with a network policy always starts cold: no pooled sandbox has the proxy's socket, the bridge or its filter. */
    RunOutcome run(
            Language language,
            byte[] code,
            byte[] stdin,
            Map<String, String> environment,
            RunLimits limits,
            Workspace workspace,
            EgressGrant egress,
            RunWatch watch) {
        Instant startedAt = Instant.now();
        long startNanos = System.nanoTime();
        if (egress != null) {
            return runCold(language, code, stdin, environment, limits, workspace, startedAt, startNanos, egress, watch);
        }
        // Never longer than the run's wall limit, which the wait counts against.
        Duration handOff =
                awaitStarting ? Duration.ofMillis(Math.min(startTimeout.toMillis(), limits.wallMs())) : Duration.ZERO;
        Optional<Sandbox> warm = pool.take(starter.profileFor(language, limits, workspace), handOff);
        if (warm.isEmpty()) {
            return runCold(language, code, stdin, environment, limits, workspace, startedAt, startNanos, null, watch);
        }
        Sandbox sandbox = warm.get();
        try {
            // Before the code is sent: the run, and the teardown at its end, are never throttled.
            warming.leave(sandbox.processes());
            return sandbox.run(
                    code, stdin, environment, limits, null, true, startedAt, startNanos, threads.io(), watch);
        } catch (RuntimeException e) {
            LOG.errorf(e, "A warm sandbox failed");
            return RunOutcome.internalError("the sandbox failed: " + e.getMessage(), startedAt);
        } finally {
            afterWarmRun(language, sandbox, watch);
        }
    }

    /**
     * The replacement's start is counted at once, so a run arriving meanwhile waits for it rather
     * than starting a sandbox of its own. When the caller still writes an answer (the REST path:
     * the row, the response), the replacement's start and the used sandbox's teardown wait for it,
     * {@code answerWait} at the longest: on two cores they cost the answer 6 to 8 ms otherwise.
     * Without one, the teardown goes at once and the replacement {@code refillDelay} later.
     */
    private void afterWarmRun(Language language, Sandbox sandbox, RunWatch watch) {
        Runnable replace = pool.replaceLater(language);
        if (!watch.answerFollows()) {
            threads.io().execute(sandbox::destroy);
            if (refillDelay.isZero()) {
                replace.run();
            } else {
                threads.timers().schedule(replace, refillDelay.toMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        Runnable cleanup = () -> {
            if (done.compareAndSet(false, true)) {
                replace.run();
                threads.io().execute(sandbox::destroy);
            }
        };
        watch.afterAnswer(cleanup);
        if (!done.get()) {
            threads.timers().schedule(cleanup, answerWait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    RunOutcome runCold(
            Language language,
            byte[] code,
            byte[] stdin,
            Map<String, String> environment,
            RunLimits limits,
            Workspace workspace,
            Instant startedAt,
            long startNanos,
            EgressGrant egress,
            RunWatch watch) {
        Sandbox sandbox;
        starts.cold().increment();
        try {
            sandbox =
                    starter.launch(starter.profileFor(language, limits, workspace), limits, egress, WarmingGroup.NONE);
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "A sandbox could not be started");
            return RunOutcome.internalError("the sandbox could not be started: " + e.getMessage(), startedAt);
        }
        try {
            long wallLeft = limits.wallMs() - (System.nanoTime() - startNanos) / 1_000_000;
            Duration startBudget = Duration.ofMillis(Math.max(1, Math.min(startTimeout.toMillis(), wallLeft)));
            if (!sandbox.awaitReady(startBudget, threads.timers())) {
                if (wallLeft <= startTimeout.toMillis()
                        && (sandbox.startCutShort()
                                || (System.nanoTime() - startNanos) / 1_000_000 >= limits.wallMs())) {
                    // The wall limit, not the platform, ended the start: a timeout of the run.
                    return RunOutcome.wallTimeoutBeforeStart(limits, startedAt);
                }
                String stderr = sandbox.startFailure();
                LOG.errorf("A sandbox failed to start: %s", stderr);
                return RunOutcome.internalError(
                        "the sandbox failed to start" + (stderr.isEmpty() ? "" : ": " + stderr.split("\n", 2)[0]),
                        startedAt);
            }
            return sandbox.run(
                    code, stdin, environment, limits, workspace, false, startedAt, startNanos, threads.io(), watch);
        } catch (RuntimeException e) {
            LOG.errorf(e, "A sandbox failed");
            return RunOutcome.internalError("the sandbox failed: " + e.getMessage(), startedAt);
        } finally {
            threads.io().execute(sandbox::destroy);
        }
    }

    /**
     * A warm sandbox for the pool, then waited for; null when it failed. Its cgroup gets the
     * operator's default limits, which most runs ask for: such a run writes no limit when it takes
     * the sandbox (the interpreter joins the group after its start, so the group holds only what
     * the bootstrap allocated since). A run with other limits writes its own, raising or lowering.
     */
    private Sandbox prepareWarm(StartProfile profile) {
        Sandbox sandbox;
        starts.pool().increment();
        try {
            sandbox = starter.launch(profile, defaults, null, warming);
        } catch (IOException | RuntimeException e) {
            LOG.debugf(e, "A warm sandbox could not be started");
            return null;
        }
        if (sandbox.awaitReady(startTimeout, threads.timers())) {
            return sandbox;
        }
        threads.io().execute(sandbox::destroy);
        return null;
    }
}
