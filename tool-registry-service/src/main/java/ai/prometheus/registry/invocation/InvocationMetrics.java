package ai.prometheus.registry.invocation;

import ai.prometheus.shared.platform.metrics.DurationHistogram;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finished invocations as Prometheus metrics: a counter by tool, mode and status, and the suite's
 * duration histogram ({@link DurationHistogram}) by mode and status. The tool label is bounded: the first
 * {@link #MAX_TOOLS} tools a replica sees keep their name, later ones count as {@code other}.
 */
@ApplicationScoped
public class InvocationMetrics {

    static final int MAX_TOOLS = 200;
    static final String OTHER = "other";

    private final MeterRegistry meters;
    private final Set<String> namedTools = ConcurrentHashMap.newKeySet();
    private final Map<Labels, Meters> registered = new ConcurrentHashMap<>();

    public InvocationMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** One finished invocation; {@code status} is the sandbox's outcome (ok, error, timeout, ...). */
    void finished(String tool, Invocation.Mode mode, String status, long latencyMs) {
        String statusLabel = status == null ? "unknown" : status.toLowerCase(Locale.ROOT);
        Meters found = meters(toolLabel(tool), mode, statusLabel);
        found.count().increment();
        found.duration().record(DurationHistogram.millis(latencyMs));
    }

    /**
     * The meters of one label set, registered on first use and kept: a builder per invocation cost
     * a description, an id with sorted tags and the registry's lookup each time. Bounded as the
     * labels are (tools, modes, statuses).
     */
    private Meters meters(String toolLabel, Invocation.Mode mode, String statusLabel) {
        return registered.computeIfAbsent(new Labels(toolLabel, mode, statusLabel), labels -> {
            String modeLabel = mode.name().toLowerCase(Locale.ROOT);
            return new Meters(
                    Counter.builder("prometheus.registry.invocations")
                            .description("Finished tool invocations, by tool (the first " + MAX_TOOLS
                                    + " per replica, then other), mode and sandbox status")
                            .tag("tool", toolLabel)
                            .tag("mode", modeLabel)
                            .tag("status", statusLabel)
                            .register(this.meters),
                    DurationHistogram.builder(
                                    "prometheus.registry.invocation.duration",
                                    "Latency of finished tool invocations as the caller saw it (async: including the queue)")
                            .tag("mode", modeLabel)
                            .tag("status", statusLabel)
                            .register(this.meters));
        });
    }

    private record Labels(String tool, Invocation.Mode mode, String status) {}

    private record Meters(Counter count, Timer duration) {}

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
