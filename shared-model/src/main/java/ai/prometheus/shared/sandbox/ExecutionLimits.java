package ai.prometheus.shared.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Positive;

/**
 * Resource limits for one sandboxed run; every field is optional and falls back to the sandbox
 * operator's defaults, and none may exceed the operator's maxima.
 *
 * @param cpuMs CPU time in milliseconds
 * @param wallMs wall-clock time in milliseconds
 * @param memoryMb memory in MiB
 * @param maxProcesses processes and threads
 * @param outputBytes stdout plus stderr in bytes
 * @param diskMb writable workspace size in MiB
 * @param egressBytes bytes through the egress proxy, both directions together (runs with a network policy)
 * @param egressConnections connections through the egress proxy, refused ones included
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionLimits(
        @Positive Long cpuMs,
        @Positive Long wallMs,
        @Positive Integer memoryMb,
        @Positive Integer maxProcesses,
        @Positive Long outputBytes,
        @Positive Integer diskMb,
        @Positive Long egressBytes,
        @Positive Integer egressConnections) {

    public static final ExecutionLimits DEFAULTS = new ExecutionLimits(null, null, null, null, null, null);

    public ExecutionLimits(
            Long cpuMs, Long wallMs, Integer memoryMb, Integer maxProcesses, Long outputBytes, Integer diskMb) {
        this(cpuMs, wallMs, memoryMb, maxProcesses, outputBytes, diskMb, null, null);
    }
}
