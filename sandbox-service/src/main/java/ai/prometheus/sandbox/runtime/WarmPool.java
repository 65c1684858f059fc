package ai.prometheus.sandbox.runtime;

import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.host.WarmingGroup;
import ai.prometheus.sandbox.launch.StartProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Pre-started, fully isolated sandboxes per language, each waiting for its code: interpreter
 * start-up, the dominant cost of a trivial run, is paid before the request arrives. Each sandbox
 * serves one run and is destroyed; a replacement is started in the background. An empty pool
 * simply means a cold start. Sandboxes start and wait in the {@link WarmingGroup} (low CPU
 * priority), which a run waiting for one of them lifts meanwhile.
 */
final class WarmPool {

    private static final Logger LOG = Logger.getLogger(WarmPool.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final Map<Language, Integer> targets;
    private final Map<Language, StartProfile> profiles;
    private final Function<StartProfile, Sandbox> prepare;
    private final WarmingGroup warming;
    private final ExecutorService warmers;
    private final ScheduledExecutorService timers;
    private final ExecutorService cleaners;
    private final Map<Language, ConcurrentLinkedDeque<Sandbox>> idle = new EnumMap<>(Language.class);
    private final Map<Language, AtomicInteger> starting = new EnumMap<>(Language.class);
    private final Map<Language, AtomicInteger> failures = new EnumMap<>(Language.class);
    /** Replacements counted as starting but held back (see {@link #replaceLater}), oldest first. */
    private final Map<Language, ConcurrentLinkedDeque<HeldStart>> held = new EnumMap<>(Language.class);
    /** Notified when a sandbox was added or a start ended. */
    private final Object arrivals = new Object();

    private volatile boolean open = true;

    /**
     * @param prepare starts a sandbox for a profile and waits until it is ready; null when it failed
     * @param warming the CPU group the starts run in, lifted while a run waits for one of them
     */
    WarmPool(
            Map<Language, Integer> targets,
            Map<Language, StartProfile> profiles,
            Function<StartProfile, Sandbox> prepare,
            WarmingGroup warming,
            ExecutorService warmers,
            ScheduledExecutorService timers,
            ExecutorService cleaners) {
        this.targets = targets;
        this.profiles = profiles;
        this.prepare = prepare;
        this.warming = warming;
        this.warmers = warmers;
        this.timers = timers;
        this.cleaners = cleaners;
        for (Language language : Language.values()) {
            idle.put(language, new ConcurrentLinkedDeque<>());
            starting.put(language, new AtomicInteger());
            failures.put(language, new AtomicInteger());
            held.put(language, new ConcurrentLinkedDeque<>());
        }
    }

    /** A replacement's start, counted as starting from the moment it was held; goes once. */
    private final class HeldStart implements Runnable {
        private final Language language;
        private final AtomicBoolean gone = new AtomicBoolean();

        HeldStart(Language language) {
            this.language = language;
        }

        @Override
        public void run() {
            if (gone.compareAndSet(false, true)) {
                held.get(language).remove(this);
                warmers.execute(() -> startOne(language));
            }
        }
    }

    /**
     * A ready sandbox started with exactly {@code profile}, if one is waiting, or, when none is but
     * one for it is starting, the first to become ready within {@code wait} (none while no start is
     * in flight: a failed start ends the wait; a start held back for another run's answer goes at
     * once). Its replacement is not started here: the caller calls {@link #replaceLater} once the
     * run is over, so the replacement's start (tens of milliseconds of CPU) does not compete with
     * the run it would otherwise slow.
     */
    Optional<Sandbox> take(StartProfile profile, Duration wait) {
        Language language = profile.language();
        if (!profile.equals(profiles.get(language))) {
            return Optional.empty();
        }
        Optional<Sandbox> ready = poll(language);
        if (ready.isPresent()) {
            return ready;
        }
        // This run needs a replacement held back for another's answer: it goes now.
        HeldStart needed = held.get(language).pollFirst();
        if (needed != null) {
            needed.run();
        }
        long deadline = System.nanoTime() + wait.toNanos();
        boolean waits = open && starting.get(language).get() > 0 && !wait.isZero();
        if (waits) {
            warming.hurry();
        }
        try {
            Optional<Sandbox> started = awaitStart(language, deadline);
            if (started.isPresent()) {
                return started;
            }
        } finally {
            if (waits) {
                warming.relax();
            }
        }
        refill(language);
        return Optional.empty();
    }

    /** The first sandbox of the language to become ready before {@code deadline}, while one is starting. */
    private Optional<Sandbox> awaitStart(Language language, long deadline) {
        while (open && starting.get(language).get() > 0 && System.nanoTime() < deadline) {
            synchronized (arrivals) {
                // Checked under the lock every arrival and every ended start notifies under: no
                // notification falls between the check and the wait, so it waits for one, not in slices.
                if (open
                        && idle.get(language).isEmpty()
                        && starting.get(language).get() > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(arrivals, Math.max(1, deadline - System.nanoTime()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            Optional<Sandbox> ready = poll(language);
            if (ready.isPresent()) {
                return ready;
            }
        }
        return Optional.empty();
    }

    private Optional<Sandbox> poll(Language language) {
        Sandbox sandbox;
        while ((sandbox = idle.get(language).pollFirst()) != null) {
            if (sandbox.usable()) {
                return Optional.of(sandbox);
            }
            Sandbox dead = sandbox;
            cleaners.execute(dead::destroy);
        }
        return Optional.empty();
    }

    void fillAll() {
        targets.keySet().forEach(this::refill);
    }

    /** Starts as many sandboxes as the language is short of, in the background. */
    void refill(Language language) {
        int target = targets.getOrDefault(language, 0);
        AtomicInteger pending = starting.get(language);
        while (open && idle.get(language).size() + pending.get() < target) {
            pending.incrementAndGet();
            long delay = backoffMillis(language);
            Runnable start = () -> startOne(language);
            if (delay == 0) {
                warmers.execute(start);
            } else {
                timers.schedule(() -> warmers.execute(start), delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * After a run: as {@link #refill(Language)}, but while a sandbox of the language is still
     * waiting (the next run is served without them) the replacements are only counted as starting
     * now and go when the returned action runs: after the run's answer, so their interpreter starts
     * (more CPU than the answer itself) do not compete with it on a small machine. A run that finds
     * the pool empty meanwhile starts one of them at once and waits for it, rather than starting a
     * sandbox beside it. With the pool empty, or after failed starts (their back-off), they start
     * as {@link #refill(Language)} starts them and the action does nothing.
     */
    Runnable replaceLater(Language language) {
        if (idle.get(language).isEmpty() || backoffMillis(language) > 0) {
            refill(language);
            return () -> {};
        }
        List<HeldStart> mine = new ArrayList<>();
        int target = targets.getOrDefault(language, 0);
        AtomicInteger pending = starting.get(language);
        while (open && idle.get(language).size() + pending.get() < target) {
            pending.incrementAndGet();
            HeldStart start = new HeldStart(language);
            held.get(language).addLast(start);
            mine.add(start);
        }
        return () -> mine.forEach(HeldStart::run);
    }

    /** Replacements counted as starting but held back for an answer, per language. */
    Map<Language, Integer> heldStarts() {
        Map<Language, Integer> sizes = new EnumMap<>(Language.class);
        held.forEach((language, deque) -> sizes.put(language, deque.size()));
        return sizes;
    }

    private void startOne(Language language) {
        boolean added = false;
        try {
            if (!open) {
                return;
            }
            Sandbox sandbox = prepare.apply(profiles.get(language));
            if (sandbox == null) {
                int failed = failures.get(language).incrementAndGet();
                LOG.warnf(
                        "A warm %s sandbox failed to start (%d in a row); retrying in %d ms",
                        language.apiName(), failed, backoffMillis(language));
                return;
            }
            failures.get(language).set(0);
            if (open) {
                idle.get(language).addLast(sandbox);
                added = true;
                synchronized (arrivals) {
                    arrivals.notifyAll();
                }
            } else {
                sandbox.destroy();
            }
        } catch (RuntimeException e) {
            failures.get(language).incrementAndGet();
            LOG.warnf(e, "A warm %s sandbox failed to start", language.apiName());
        } finally {
            starting.get(language).decrementAndGet();
            synchronized (arrivals) {
                // A failed start ends the wait of a run that counted on it.
                arrivals.notifyAll();
            }
            if (!added && open && failures.get(language).get() > 0) {
                refill(language);
            }
        }
    }

    private long backoffMillis(Language language) {
        int failed = failures.get(language).get();
        return failed == 0 ? 0 : Math.min(MAX_BACKOFF_MS, 250L << Math.min(failed, 10));
    }

    /** Sandboxes waiting now, per language. */
    Map<Language, Integer> sizes() {
        Map<Language, Integer> sizes = new EnumMap<>(Language.class);
        idle.forEach((language, deque) -> sizes.put(language, deque.size()));
        return sizes;
    }

    /** Uids held by waiting sandboxes. */
    List<Integer> uids() {
        List<Integer> uids = new ArrayList<>();
        idle.values().forEach(deque -> deque.forEach(sandbox -> uids.add(sandbox.uid())));
        return uids;
    }

    List<String> cgroupNames() {
        List<String> names = new ArrayList<>();
        idle.values()
                .forEach(deque ->
                        deque.forEach(sandbox -> names.add(sandbox.cgroup().name())));
        return names;
    }

    void close() {
        open = false;
        synchronized (arrivals) {
            // A run waiting for a start stops waiting: none will be added now.
            arrivals.notifyAll();
        }
        held.values().forEach(deque -> {
            HeldStart start;
            while ((start = deque.pollFirst()) != null) {
                start.gone.set(true);
                starting.get(start.language).decrementAndGet();
            }
        });
        idle.values().forEach(deque -> {
            Sandbox sandbox;
            while ((sandbox = deque.pollFirst()) != null) {
                sandbox.destroy();
            }
        });
    }
}
