package ai.prometheus.registry.invocation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finished invocations as Prometheus metrics: a counter by tool, mode and status, and a duration
 * histogram by mode and status with fixed buckets, so percentiles aggregate across replicas
 * ({@code histogram_quantile} over the summed buckets). The tool label is bounded: the first
 * {@link #MAX_TOOLS} tools a replica sees keep their name, later ones count as {@code other}.
 */
@ApplicationScoped
public class InvocationMetrics {

    static final int MAX_TOOLS = 200;
    static final String OTHER = "other";
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

    private final MeterRegistry meters;
    private final Set<String> namedTools = ConcurrentHashMap.newKeySet();

    public InvocationMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** One finished invocation; {@code status} is the sandbox's outcome (ok, error, timeout, ...). */
    void finished(String tool, Invocation.Mode mode, String status, long latencyMs) {
        String modeLabel = mode.name().toLowerCase(Locale.ROOT);
        String statusLabel = status == null ? "unknown" : status.toLowerCase(Locale.ROOT);
        Counter.builder("prometheus.registry.invocations")
                .description("Finished tool invocations, by tool (the first " + MAX_TOOLS + " per replica, then other),"
                        + " mode and sandbox status")
                .tag("tool", toolLabel(tool))
                .tag("mode", modeLabel)
                .tag("status", statusLabel)
                .register(meters)
                .increment();
        Timer.builder("prometheus.registry.invocation.duration")
                .description("Latency of finished tool invocations as the caller saw it (async: including the queue)")
                .serviceLevelObjectives(BUCKETS)
                .tag("mode", modeLabel)
                .tag("status", statusLabel)
                .register(meters)
                .record(Duration.ofMillis(Math.max(0, latencyMs)));
    }

    private String toolLabel(String tool) {
        if (namedTools.contains(tool)) {
            return tool;
        }
        if (namedTools.size() < MAX_TOOLS && namedTools.add(tool)) {
            return tool;
        }
        return namedTools.contains(tool) ? tool : OTHER;
    }
}
