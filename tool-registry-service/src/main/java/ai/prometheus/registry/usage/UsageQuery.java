package ai.prometheus.registry.usage;

import ai.prometheus.registry.usage.UsageRepository.Rollup;
import ai.prometheus.registry.usage.UsageRepository.ToolRollup;
import ai.prometheus.registry.usage.UsageRepository.WindowRollup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads usage rollups ({@link UsageRepository}) and merges them into per-window, per-caller and total figures. */
@ApplicationScoped
public class UsageQuery {

    private final UsageRepository rollups;

    public UsageQuery(UsageRepository rollups) {
        this.rollups = rollups;
    }

    /** Usage of {@code tool} in [since, until), all callers or just {@code caller}. */
    public Uni<UsageReport> report(
            String tool, String granularity, OffsetDateTime since, OffsetDateTime until, String caller) {
        return rollups.windows(tool, granularity, since, until, caller).map(found -> {
            Accumulator total = new Accumulator();
            Map<OffsetDateTime, Accumulator> windows = new TreeMap<>();
            Map<String, Accumulator> callers = new TreeMap<>();
            for (WindowRollup window : found) {
                total.add(window.rollup());
                windows.computeIfAbsent(window.windowStart(), k -> new Accumulator())
                        .add(window.rollup());
                callers.computeIfAbsent(window.caller(), k -> new Accumulator()).add(window.rollup());
            }
            return new UsageReport(
                    tool,
                    granularity,
                    since,
                    until,
                    total.stats(),
                    windows.entrySet().stream()
                            .map(e -> new UsageReport.Window(
                                    e.getKey(), e.getValue().stats()))
                            .toList(),
                    callers.entrySet().stream()
                            .map(e -> new UsageReport.ByCaller(
                                    e.getKey(), e.getValue().stats()))
                            .toList());
        });
    }

    /** One tool's calls, successes and p50 latency over the last {@code days} days (hour windows). */
    public record Totals(long calls, long successes, long p50LatencyMs) {}

    /** {@link Totals} for each of {@code tools} that has any usage in the last {@code days} days. */
    public Uni<Map<String, Totals>> totals(List<String> tools, int days) {
        OffsetDateTime since = OffsetDateTime.now().minusDays(days);
        return rollups.hourly(tools, since).map(found -> {
            Map<String, Accumulator> byTool = new TreeMap<>();
            for (ToolRollup rollup : found) {
                byTool.computeIfAbsent(rollup.tool(), k -> new Accumulator()).add(rollup.rollup());
            }
            Map<String, Totals> out = new TreeMap<>();
            byTool.forEach((tool, acc) -> {
                UsageReport.Stats stats = acc.stats();
                out.put(tool, new Totals(stats.calls(), stats.successes(), stats.p50LatencyMs()));
            });
            return out;
        });
    }

    /** Sums rollups: counters add up, histograms add bucket by bucket, maxima take the larger. */
    private static final class Accumulator {
        private long calls;
        private long successes;
        private long failures;
        private final Map<String, Long> failuresByStatus = new TreeMap<>();
        private final long[] buckets = new long[LatencyHistogram.BUCKETS];
        private long maxMs;
        private long sumMs;
        private long cpuMs;
        private long peakMemory;

        void add(Rollup rollup) {
            calls += rollup.calls();
            successes += rollup.successes();
            failures += rollup.failures();
            rollup.failuresByStatus().forEach((status, count) -> failuresByStatus.merge(status, count, Long::sum));
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] += rollup.buckets()[i];
            }
            maxMs = Math.max(maxMs, rollup.maxMs());
            sumMs += rollup.sumMs();
            cpuMs += rollup.cpuMs();
            peakMemory = Math.max(peakMemory, rollup.peakMemory());
        }

        UsageReport.Stats stats() {
            return new UsageReport.Stats(
                    calls,
                    successes,
                    failures,
                    Map.copyOf(failuresByStatus),
                    LatencyHistogram.quantile(buckets, 0.50, maxMs),
                    LatencyHistogram.quantile(buckets, 0.95, maxMs),
                    maxMs,
                    calls == 0 ? 0 : sumMs / calls,
                    cpuMs,
                    peakMemory);
        }
    }
}
