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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionLimits(
        @Positive Long cpuMs,
        @Positive Long wallMs,
        @Positive Integer memoryMb,
        @Positive Integer maxProcesses,
        @Positive Long outputBytes,
        @Positive Integer diskMb) {

    public static final ExecutionLimits DEFAULTS = new ExecutionLimits(null, null, null, null, null, null);
}
