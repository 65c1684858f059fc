package ai.prometheus.registry.quota;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;

/**
 * A tool's quotas ({@code PUT /api/v1/tools/{name}/limits}): for each caller and for all callers
 * together. Every field is optional; an absent one is no limit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QuotaLimits(@Valid Limits perCaller, @Valid Limits total) {

    public static final QuotaLimits NONE = new QuotaLimits(null, null);

    /**
     * @param callsPerMinute invocations admitted per calendar minute (UTC)
     * @param callsPerDay invocations admitted per UTC day
     * @param cpuSecondsPerDay CPU seconds the runs may use per UTC day, charged after each run
     * @param egressBytesPerDay network bytes the runs may move per UTC day, charged after each run
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Limits(
            @Positive Long callsPerMinute,
            @Positive Long callsPerDay,
            @Positive Long cpuSecondsPerDay,
            @Positive Long egressBytesPerDay) {}

    @JsonIgnore
    public boolean isEmpty() {
        return perCaller == null && total == null;
    }
}
