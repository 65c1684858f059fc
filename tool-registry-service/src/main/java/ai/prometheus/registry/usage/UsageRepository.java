package ai.prometheus.registry.usage;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.persistence.NativeSql;
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

/**
 * The usage rollups ({@code usage_rollups}: one row per tool, caller, granularity and window).
 * Counting runs inside the consumer's transaction (through its session); reports read on the
 * reactive pool, outside any session.
 */
@ApplicationScoped
public class UsageRepository {

    private static final TypeReference<Map<String, Long>> COUNTS = new TypeReference<>() {};

    /** What one rollup row counted. */
    public record Rollup(
            long calls,
            long successes,
            long failures,
            Map<String, Long> failuresByStatus,
            long[] buckets,
            long maxMs,
            long sumMs,
            long cpuMs,
            long peakMemory) {}

    /** A rollup of one window and one caller. */
    public record WindowRollup(OffsetDateTime windowStart, String caller, Rollup rollup) {}

    /** A rollup of one tool (one window, one caller). */
    public record ToolRollup(String tool, Rollup rollup) {}

    /**
     * One finished invocation, as counted: {@code failureStatus} names the failure (ignored on
     * success), {@code latencyBucket} is its {@link LatencyHistogram} bucket.
     */
    public record Outcome(
            boolean success,
            String failureStatus,
            int latencyBucket,
            long latencyMs,
            long cpuMs,
            long peakMemoryBytes) {}

    private final Pool pool;
    private final ObjectMapper json;
    private final String table;
    private final String upsert;

    public UsageRepository(Pool pool, ObjectMapper json, ServiceConfig service) {
        this.pool = pool;
        this.json = json;
        this.table = service.schema() + ".usage_rollups";
        // Casts are spelled cast(...) because Hibernate reads "::" and "?" in native SQL itself.
        this.upsert = "insert into " + table + " as u (tool_name, caller, granularity, window_start, calls, successes,"
                + " failures, failures_by_status, latency_buckets, latency_max_ms, latency_sum_ms, cpu_ms, peak_memory_bytes)"
                + " values (:tool, :caller, :granularity, :windowStart, 1, :success, :failure,"
                + " cast(cast(:failuresByStatus as text) as jsonb),"
                + " (select array_agg(case when i = :bucket then cast(1 as bigint) else cast(0 as bigint) end order by i)"
                + "    from generate_series(1, " + LatencyHistogram.BUCKETS + ") i),"
                + " :latency, :latency, :cpu, :memory)"
                + " on conflict (tool_name, granularity, window_start, caller) do update set"
                + " calls = u.calls + 1,"
                + " successes = u.successes + excluded.successes,"
                + " failures = u.failures + excluded.failures,"
                + " failures_by_status = case when excluded.failures > 0 then jsonb_set(u.failures_by_status,"
                + "   array[cast(:status as text)],"
                + "   to_jsonb(coalesce(cast(u.failures_by_status ->> cast(:status as text) as bigint), 0) + 1))"
                + "   else u.failures_by_status end,"
                + " latency_buckets[:bucket] = u.latency_buckets[:bucket] + 1,"
                + " latency_max_ms = greatest(u.latency_max_ms, excluded.latency_max_ms),"
                + " latency_sum_ms = u.latency_sum_ms + excluded.latency_sum_ms,"
                + " cpu_ms = u.cpu_ms + excluded.cpu_ms,"
                + " peak_memory_bytes = greatest(u.peak_memory_bytes, excluded.peak_memory_bytes)";
    }

    /** Counts {@code outcome} into the rollup of its tool, caller and window, in the current session's transaction. */
    public Uni<Void> count(
            String tool, String caller, String granularity, OffsetDateTime windowStart, Outcome outcome) {
        boolean success = outcome.success();
        String failuresByStatus = success ? "{}" : "{\"" + outcome.failureStatus() + "\": 1}";
        return NativeSql.update(
                        upsert,
                        Map.ofEntries(
                                Map.entry("tool", tool),
                                Map.entry("caller", caller),
                                Map.entry("granularity", granularity),
                                Map.entry("windowStart", windowStart),
                                Map.entry("success", success ? 1L : 0L),
                                Map.entry("failure", success ? 0L : 1L),
                                Map.entry("failuresByStatus", failuresByStatus),
                                Map.entry("status", outcome.failureStatus()),
                                // SQL arrays count from 1
                                Map.entry("bucket", outcome.latencyBucket() + 1),
                                Map.entry("latency", outcome.latencyMs()),
                                Map.entry("cpu", outcome.cpuMs()),
                                Map.entry("memory", outcome.peakMemoryBytes())))
                .replaceWithVoid();
    }

    /** The rollups of {@code tool} at {@code granularity} in [since, until), all callers or just {@code caller}, oldest first. */
    public Uni<List<WindowRollup>> windows(
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
                    List<WindowRollup> found = new ArrayList<>();
                    for (Row row : rows) {
                        found.add(new WindowRollup(
                                row.getOffsetDateTime("window_start"), row.getString("caller"), rollup(row)));
                    }
                    return found;
                });
    }

    /** The hour rollups of each of {@code tools} since {@code since}. */
    public Uni<List<ToolRollup>> hourly(List<String> tools, OffsetDateTime since) {
        String sql = "select tool_name, calls, successes, failures, failures_by_status::text, latency_buckets,"
                + " latency_max_ms, latency_sum_ms, cpu_ms, peak_memory_bytes from " + table
                + " where granularity = 'HOUR' and tool_name = any($1) and window_start >= $2";
        return pool.preparedQuery(sql)
                .execute(Tuple.of(tools.toArray(String[]::new), since))
                .map(rows -> {
                    List<ToolRollup> found = new ArrayList<>();
                    for (Row row : rows) {
                        found.add(new ToolRollup(row.getString("tool_name"), rollup(row)));
                    }
                    return found;
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
}
