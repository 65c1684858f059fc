package ai.prometheus.registry.usage;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.persistence.NativeSql;
import ai.prometheus.shared.platform.postgres.SqlPart;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
        this.upsert = upsert(table, name -> ":" + name, "");
    }

    /**
     * The upsert counting one outcome, its parameters written by {@code parameter} (a name to a
     * placeholder), inserted only when {@code condition} holds (empty: always).
     */
    private static String upsert(String table, Function<String, String> parameter, String condition) {
        // Casts are spelled cast(...) because Hibernate reads "::" and "?" in native SQL itself.
        String status = parameter.apply("status");
        String bucket = parameter.apply("bucket");
        String latency = parameter.apply("latency");
        return "insert into " + table + " as u (tool_name, caller, granularity, window_start, calls, successes,"
                + " failures, failures_by_status, latency_buckets, latency_max_ms, latency_sum_ms, cpu_ms, peak_memory_bytes)"
                + " select " + parameter.apply("tool") + ", " + parameter.apply("caller") + ", "
                + parameter.apply("granularity") + ", " + parameter.apply("windowStart") + ", 1, "
                + parameter.apply("success") + ", " + parameter.apply("failure") + ","
                + " cast(cast(" + parameter.apply("failuresByStatus") + " as text) as jsonb),"
                + " (select array_agg(case when i = " + bucket
                + " then cast(1 as bigint) else cast(0 as bigint) end order by i)"
                + "    from generate_series(1, " + LatencyHistogram.BUCKETS + ") i),"
                + " " + latency + ", " + latency + ", " + parameter.apply("cpu") + ", " + parameter.apply("memory")
                + (condition.isEmpty() ? "" : " where " + condition)
                + " on conflict (tool_name, granularity, window_start, caller) do update set"
                + " calls = u.calls + 1,"
                + " successes = u.successes + excluded.successes,"
                + " failures = u.failures + excluded.failures,"
                + " failures_by_status = case when excluded.failures > 0 then jsonb_set(u.failures_by_status,"
                + "   array[cast(" + status + " as text)],"
                + "   to_jsonb(coalesce(cast(u.failures_by_status ->> cast(" + status + " as text) as bigint), 0) + 1))"
                + "   else u.failures_by_status end,"
                + " latency_buckets[" + bucket + "] = u.latency_buckets[" + bucket + "] + 1,"
                + " latency_max_ms = greatest(u.latency_max_ms, excluded.latency_max_ms),"
                + " latency_sum_ms = u.latency_sum_ms + excluded.latency_sum_ms,"
                + " cpu_ms = u.cpu_ms + excluded.cpu_ms,"
                + " peak_memory_bytes = greatest(u.peak_memory_bytes, excluded.peak_memory_bytes)";
    }

    /** Counts {@code outcome} into the rollup of its tool, caller and window, in the current session's transaction. */
    public Uni<Void> count(
            String tool, String caller, String granularity, OffsetDateTime windowStart, Outcome outcome) {
        return NativeSql.update(upsert, parameters(tool, caller, granularity, windowStart, outcome))
                .replaceWithVoid();
    }

    /**
     * The same count as a statement to compose with others (see {@link SqlPart}), its parameters
     * numbered from {@code first}, counting only when {@code condition} holds.
     */
    public SqlPart countPart(
            String tool,
            String caller,
            String granularity,
            OffsetDateTime windowStart,
            Outcome outcome,
            int first,
            String condition) {
        Map<String, Object> values = parameters(tool, caller, granularity, windowStart, outcome);
        List<String> names = List.copyOf(values.keySet());
        List<Object> ordered = new ArrayList<>(names.size());
        names.forEach(name -> ordered.add(values.get(name)));
        return new SqlPart(upsert(table, name -> "$" + (first + names.indexOf(name)), condition), ordered);
    }

    private static Map<String, Object> parameters(
            String tool, String caller, String granularity, OffsetDateTime windowStart, Outcome outcome) {
        boolean success = outcome.success();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("tool", tool);
        values.put("caller", caller);
        values.put("granularity", granularity);
        values.put("windowStart", windowStart);
        values.put("success", success ? 1L : 0L);
        values.put("failure", success ? 0L : 1L);
        values.put("failuresByStatus", success ? "{}" : "{\"" + outcome.failureStatus() + "\": 1}");
        values.put("status", outcome.failureStatus());
        // SQL arrays count from 1
        values.put("bucket", outcome.latencyBucket() + 1);
        values.put("latency", outcome.latencyMs());
        values.put("cpu", outcome.cpuMs());
        values.put("memory", outcome.peakMemoryBytes());
        return values;
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
