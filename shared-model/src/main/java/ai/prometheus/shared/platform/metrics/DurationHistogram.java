package ai.prometheus.shared.platform.metrics;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The suite's duration histogram for runs and invocations: fixed buckets, the same in every
 * service, so percentiles aggregate across replicas and services ({@code histogram_quantile} over
 * the summed buckets) and a run's time in the sandbox lines up with the invocation around it.
 */
public final class DurationHistogram {

    /** 5 ms (a warm run of a one-liner) to 2 minutes (the longest synchronous wait). */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofSeconds(120)
    };

    private DurationHistogram() {}

    /** A timer named {@code name} with the suite's buckets; add tags and register it. */
    public static Timer.Builder builder(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS);
    }

    /** Milliseconds measured elsewhere as a duration to record; a negative one (clocks apart) counts as 0. */
    public static Duration millis(long millis) {
        return Duration.ofMillis(Math.max(0, millis));
    }
}
