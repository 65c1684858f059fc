package ai.prometheus.registry.usage;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.persistence.NativeSql;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Counts one finished invocation into its hour and day windows. Runs inside the consumer's
 * transaction, next to the processed-event record, so a redelivered event never counts twice.
 */
@ApplicationScoped
public class UsageRecorder {

    private final String upsert;

    public UsageRecorder(ServiceConfig service) {
        String table = service.schema() + ".usage_rollups";
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

    /** One invocation of {@code tool} by {@code caller} that ended with {@code status} at {@code finishedAt}. */
    public Uni<Void> record(
            String tool,
            String caller,
            boolean success,
            String status,
            long latencyMs,
            long cpuMs,
            long peakMemoryBytes,
            Instant finishedAt) {
        OffsetDateTime at = finishedAt.atOffset(ZoneOffset.UTC);
        return count(
                        tool,
                        caller,
                        "HOUR",
                        at.truncatedTo(ChronoUnit.HOURS),
                        success,
                        status,
                        latencyMs,
                        cpuMs,
                        peakMemoryBytes)
                .chain(() -> count(
                        tool,
                        caller,
                        "DAY",
                        at.truncatedTo(ChronoUnit.DAYS),
                        success,
                        status,
                        latencyMs,
                        cpuMs,
                        peakMemoryBytes));
    }

    private Uni<Void> count(
            String tool,
            String caller,
            String granularity,
            OffsetDateTime windowStart,
            boolean success,
            String status,
            long latencyMs,
            long cpuMs,
            long peakMemoryBytes) {
        String failureKey = status == null ? "UNKNOWN" : status;
        String failuresByStatus = success ? "{}" : "{\"" + failureKey + "\": 1}";
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
                                Map.entry("status", failureKey),
                                Map.entry("bucket", LatencyHistogram.bucketOf(latencyMs) + 1),
                                Map.entry("latency", Math.max(0, latencyMs)),
                                Map.entry("cpu", Math.max(0, cpuMs)),
                                Map.entry("memory", Math.max(0, peakMemoryBytes))))
                .replaceWithVoid();
    }
}
