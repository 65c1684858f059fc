package ai.prometheus.registry.usage;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * Usage of one tool: totals, one entry per time window and one per caller.
 * Latency percentiles are read from log-scale buckets: at most 10% above the true value.
 */
public record UsageReport(
        String tool,
        String granularity,
        OffsetDateTime since,
        OffsetDateTime until,
        Stats total,
        List<Window> windows,
        List<ByCaller> callers) {

    public record Stats(
            long calls,
            long successes,
            long failures,
            Map<String, Long> failuresByStatus,
            long p50LatencyMs,
            long p95LatencyMs,
            long maxLatencyMs,
            long meanLatencyMs,
            long cpuMs,
            long peakMemoryBytes) {}

    public record Window(OffsetDateTime start, Stats stats) {}

    public record ByCaller(String caller, Stats stats) {}
}
