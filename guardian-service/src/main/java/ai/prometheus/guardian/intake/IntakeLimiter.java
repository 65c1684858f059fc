package ai.prometheus.guardian.intake;

import ai.prometheus.guardian.config.GuardianConfig;
import ai.prometheus.shared.problem.ProblemException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Flood control for HTTP error reports on this replica: a token bucket per caller (a steady rate
 * with a burst allowance) and a cap on reports being stored at once. A refused report is
 * answered 429 with {@code Retry-After} before anything is written, so a refusal never loses an
 * accepted error and an accepted one is always committed before its 2xx.
 */
@ApplicationScoped
public class IntakeLimiter {

    private final double rate;
    private final int burst;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public IntakeLimiter(GuardianConfig config) {
        this.rate = config.intake().perCallerRate();
        this.burst = config.intake().perCallerBurst();
        this.maxInFlight = config.intake().maxInFlight();
    }

    /** Admits one report from {@code caller}, or throws a 429 problem saying when to retry. */
    public Permit admit(String caller) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            throw ProblemException.tooManyRequests(
                    "the guardian is storing " + maxInFlight + " reports at once; retry shortly", 1);
        }
        double waitSeconds =
                buckets.computeIfAbsent(caller, key -> new Bucket(burst)).take(rate, burst, System.nanoTime());
        if (waitSeconds > 0) {
            inFlight.decrementAndGet();
            throw ProblemException.tooManyRequests(
                    "caller '" + caller + "' reports more than " + rate + " errors per second (burst " + burst
                            + "); retry later",
                    (long) Math.ceil(waitSeconds));
        }
        return new Permit();
    }

    int inFlight() {
        return inFlight.get();
    }

    // A full bucket is the same as no bucket: dropping idle callers bounds the memory.
    @Scheduled(every = "5m", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetIdleCallers() {
        long now = System.nanoTime();
        buckets.entrySet().removeIf(entry -> entry.getValue().fullAt(rate, burst, now));
    }

    /** One admitted report; released once when it is stored or has failed. */
    public final class Permit {

        private final AtomicBoolean released = new AtomicBoolean();

        public void release() {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        }
    }

    private static final class Bucket {

        private double tokens;
        private long updatedAt = System.nanoTime();

        Bucket(int burst) {
            this.tokens = burst;
        }

        /** Takes a token and answers 0, or answers how many seconds until one is there. */
        synchronized double take(double rate, int burst, long now) {
            refill(rate, burst, now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) / rate;
        }

        synchronized boolean fullAt(double rate, int burst, long now) {
            refill(rate, burst, now);
            return tokens >= burst;
        }

        private void refill(double rate, int burst, long now) {
            tokens = Math.min(burst, tokens + (now - updatedAt) / 1e9 * rate);
            updatedAt = now;
        }
    }
}
