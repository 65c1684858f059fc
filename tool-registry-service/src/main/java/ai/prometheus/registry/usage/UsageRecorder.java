package ai.prometheus.registry.usage;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Counts one finished invocation into its hour and day windows. Runs inside the consumer's
 * transaction, next to the processed-event record, so a redelivered event never counts twice.
 */
@ApplicationScoped
public class UsageRecorder {

    private final UsageRepository rollups;

    public UsageRecorder(UsageRepository rollups) {
        this.rollups = rollups;
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
        UsageRepository.Outcome outcome = outcome(success, status, latencyMs, cpuMs, peakMemoryBytes);
        return rollups.count(tool, caller, "HOUR", at.truncatedTo(ChronoUnit.HOURS), outcome)
                .chain(() -> rollups.count(tool, caller, "DAY", at.truncatedTo(ChronoUnit.DAYS), outcome));
    }

    /** One finished invocation as the rollups count it. */
    public static UsageRepository.Outcome outcome(
            boolean success, String status, long latencyMs, long cpuMs, long peakMemoryBytes) {
        return new UsageRepository.Outcome(
                success,
                status == null ? "UNKNOWN" : status,
                LatencyHistogram.bucketOf(latencyMs),
                Math.max(0, latencyMs),
                Math.max(0, cpuMs),
                Math.max(0, peakMemoryBytes));
    }
}
