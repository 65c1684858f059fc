package ai.prometheus.registry.quota;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/**
 * What a quota counts, and its fixed window (UTC calendar minute or day). Calls are counted when
 * admitted; CPU and egress are charged after the run from the sandbox's reported usage.
 */
public enum QuotaMetric {
    CALLS_PER_MINUTE("callsPerMinute", "calls", ChronoUnit.MINUTES),
    CALLS_PER_DAY("callsPerDay", "calls", ChronoUnit.DAYS),
    CPU_SECONDS_PER_DAY("cpuSecondsPerDay", "cpu_ms", ChronoUnit.DAYS),
    EGRESS_BYTES_PER_DAY("egressBytesPerDay", "egress_bytes", ChronoUnit.DAYS);

    private final String field;
    private final String counter;
    private final ChronoUnit window;

    QuotaMetric(String field, String counter, ChronoUnit window) {
        this.field = field;
        this.counter = counter;
        this.window = window;
    }

    /** The name in the API, e.g. {@code callsPerMinute}. */
    public String field() {
        return field;
    }

    /** The counter's row key: one counter serves every limit of the same kind and window. */
    public String counterKey() {
        return counter + "/" + window.name().toLowerCase();
    }

    public OffsetDateTime windowStart(OffsetDateTime now) {
        return now.truncatedTo(window);
    }

    public OffsetDateTime windowEnd(OffsetDateTime now) {
        return windowStart(now).plus(1, window);
    }

    /** Seconds until the window resets (at least 1), for Retry-After. */
    public long retryAfterSeconds(OffsetDateTime now) {
        return Math.max(1, (Duration.between(now, windowEnd(now)).toMillis() + 999) / 1000);
    }

    /** The limit's value in counter units (CPU is counted in milliseconds). */
    public Long limitIn(QuotaLimits.Limits limits) {
        if (limits == null) {
            return null;
        }
        Long value = switch (this) {
            case CALLS_PER_MINUTE -> limits.callsPerMinute();
            case CALLS_PER_DAY -> limits.callsPerDay();
            case CPU_SECONDS_PER_DAY -> limits.cpuSecondsPerDay();
            case EGRESS_BYTES_PER_DAY -> limits.egressBytesPerDay();
        };
        return value == null ? null : this == CPU_SECONDS_PER_DAY ? value * 1000 : value;
    }

    public boolean countsCalls() {
        return this == CALLS_PER_MINUTE || this == CALLS_PER_DAY;
    }
}
