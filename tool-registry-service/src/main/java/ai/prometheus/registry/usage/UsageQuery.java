package ai.prometheus.registry.usage;

import ai.prometheus.shared.platform.config.ServiceConfig;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads usage rollups and merges them into per-window, per-caller and total figures. */
@ApplicationScoped
public class UsageQuery {

    private static final TypeReference<Map<String, Long>> COUNTS = new TypeReference<>() {};

    private final Pool pool;
    private final ObjectMapper json;
    private final String table;

    public UsageQuery(Pool pool, ObjectMapper json, ServiceConfig service) {
        this.pool = pool;
        this.json = json;
        this.table = service.schema() + ".usage_rollups";
    }

    /** Usage of {@code tool} in [since, until), all callers or just {@code caller}. */
    public Uni<UsageReport> report(
            String tool, String granularity, OffsetDateTime since, OffsetDateTime until, String caller) {
        List<Object> args = new ArrayList<>(List.of(tool, granularity, since, until));
        String sql = "select window_start, caller, calls, successes, failures, failures_by_status::text,"
                + " latency_buckets, latency_max_ms, latency_sum_ms, cpu_ms, peak_memory_bytes from " + table
                + " where tool_name = $1 and granularity = $2 and window_start >= $3 and window_start < $4";
        if (caller != null) {
            args.add(caller);
            sql += " and caller = $5";
        }
        return pool.preparedQuery(sql + " order by window_start")
                .execute(Tuple.from(args))
                .map(rows -> {
                    Accumulator total = new Accumulator();
                    Map<OffsetDateTime, Accumulator> windows = new TreeMap<>();
                    Map<String, Accumulator> callers = new TreeMap<>();
                    for (Row row : rows) {
                        Rollup rollup = rollup(row);
                        total.add(rollup);
                        windows.computeIfAbsent(row.getOffsetDateTime("window_start"), k -> new Accumulator())
                                .add(rollup);
                        callers.computeIfAbsent(row.getString("caller"), k -> new Accumulator())
                                .add(rollup);
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
        String sql = "select tool_name, calls, successes, failures, failures_by_status::text, latency_buckets,"
                + " latency_max_ms, latency_sum_ms, cpu_ms, peak_memory_bytes from " + table
                + " where granularity = 'HOUR' and tool_name = any($1) and window_start >= $2";
        OffsetDateTime since = OffsetDateTime.now().minusDays(days);
        return pool.preparedQuery(sql)
                .execute(Tuple.of(tools.toArray(String[]::new), since))
                .map(rows -> {
                    Map<String, Accumulator> byTool = new TreeMap<>();
                    for (Row row : rows) {
                        byTool.computeIfAbsent(row.getString("tool_name"), k -> new Accumulator())
                                .add(rollup(row));
                    }
                    Map<String, Totals> out = new TreeMap<>();
                    byTool.forEach((tool, acc) -> {
                        UsageReport.Stats stats = acc.stats();
                        out.put(tool, new Totals(stats.calls(), stats.successes(), stats.p50LatencyMs()));
                    });
                    return out;
                });
    }

    private Rollup rollup(Row row) {
        Long[] buckets = row.getArrayOfLongs("latency_buckets");
        long[] counts = new long[LatencyHistogram.BUCKETS];
        for (int i = 0; i < Math.min(buckets.length, counts.length); i++) {
            counts[i] = buckets[i] == null ? 0 : buckets[i];
        }
        try {
            return new Rollup(
                    row.getLong("calls"),
                    row.getLong("successes"),
                    row.getLong("failures"),
                    json.readValue(row.getString("failures_by_status"), COUNTS),
                    counts,
                    row.getLong("latency_max_ms"),
                    row.getLong("latency_sum_ms"),
                    row.getLong("cpu_ms"),
                    row.getLong("peak_memory_bytes"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable usage rollup", e);
        }
    }

    private record Rollup(
            long calls,
            long successes,
            long failures,
            Map<String, Long> failuresByStatus,
            long[] buckets,
            long maxMs,
            long sumMs,
            long cpuMs,
            long peakMemory) {}

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
