package ai.prometheus.registry.invocation;

import ai.prometheus.registry.config.RegistryConfig;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Bounds the synchronous invocations one replica holds open at once, and each caller's share of
 * them. A synchronous call holds an HTTP request, a sandbox slot or queue place and, at its start
 * and end, database connections; without a bound, a burst of slow calls queues up behind the
 * sandbox until the callers' waits expire (504) or the connection pool times out (500). Beyond the
 * bound the answer is an immediate 429 with Retry-After, before anything touches the database, so
 * reads and other callers keep being served. Asynchronous invocations are not counted: Kafka is
 * their queue.
 */
@ApplicationScoped
public class SyncAdmission {

    static final String PROBLEM = "overloaded";
    private static final long MAX_RETRY_AFTER_SECONDS = 30;

    private final int maxInFlight;
    private final int maxPerCaller;
    private final Map<String, Integer> perCaller = new HashMap<>();
    private int inFlight;
    /** Recent duration of an admitted call, to tell refused callers when a place is likely free. */
    private volatile double averageMillis = 1_000;

    @Inject
    public SyncAdmission(RegistryConfig config, MeterRegistry meters) {
        this(
                config.invocation().admission().maxInFlight(),
                config.invocation().admission().maxInFlightPerCaller());
        meters.gauge("registry.invocations.sync.in.flight", this, SyncAdmission::inFlight);
    }

    SyncAdmission(int maxInFlight, int maxPerCaller) {
        this.maxInFlight = Math.max(1, maxInFlight);
        this.maxPerCaller = Math.max(1, Math.min(maxPerCaller, this.maxInFlight));
    }

    /** Runs {@code work} holding one place for {@code caller}, or fails at once with 429 when none is free. */
    public <T> Uni<T> admit(String caller, Supplier<Uni<T>> work) {
        return Uni.createFrom().<T>deferred(() -> {
            String refusal = tryEnter(caller);
            if (refusal != null) {
                return Uni.createFrom().<T>failure(overloaded(refusal));
            }
            long started = System.nanoTime();
            AtomicBoolean left = new AtomicBoolean();
            return Uni.createFrom().<T>deferred(work::get).onTermination().invoke(() -> {
                if (left.compareAndSet(false, true)) {
                    leave(caller, (System.nanoTime() - started) / 1_000_000.0);
                }
            });
        });
    }

    /** Null when a place was taken, else why not. */
    private synchronized String tryEnter(String caller) {
        if (inFlight >= maxInFlight) {
            return "this registry replica is running its limit of " + maxInFlight + " synchronous invocations";
        }
        int mine = perCaller.getOrDefault(caller, 0);
        if (mine >= maxPerCaller) {
            return "you are running " + mine + " synchronous invocations, the most one caller may run at once";
        }
        inFlight++;
        perCaller.put(caller, mine + 1);
        return null;
    }

    private synchronized void leave(String caller, double tookMillis) {
        inFlight--;
        perCaller.computeIfPresent(caller, (key, count) -> count <= 1 ? null : count - 1);
        averageMillis = averageMillis * 0.9 + tookMillis * 0.1;
    }

    synchronized int inFlight() {
        return inFlight;
    }

    long retryAfterSeconds() {
        return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, (long) Math.ceil(averageMillis / 1000.0)));
    }

    private ProblemException overloaded(String reason) {
        return new ProblemException(
                ProblemType.TOO_MANY_REQUESTS,
                PROBLEM,
                reason + "; retry after the time in Retry-After, or invoke with mode=async",
                List.of(),
                Map.of("Retry-After", Long.toString(retryAfterSeconds())));
    }
}
