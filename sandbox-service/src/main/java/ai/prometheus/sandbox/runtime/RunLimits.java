package ai.prometheus.sandbox.runtime;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.shared.sandbox.ExecutionLimits;

/** The limits of one run, every one set: the request's values merged with the operator's defaults. */
public record RunLimits(long cpuMs, long wallMs, int memoryMb, int maxProcesses, long outputBytes, int diskMb) {

    public static final long MIB = 1024L * 1024L;

    public static RunLimits of(SandboxConfig.LimitValues values) {
        return new RunLimits(
                values.cpuMs(),
                values.wallMs(),
                values.memoryMb(),
                values.maxProcesses(),
                values.outputBytes(),
                values.diskMb());
    }

    public ExecutionLimits toExecutionLimits() {
        return new ExecutionLimits(cpuMs, wallMs, memoryMb, maxProcesses, outputBytes, diskMb);
    }

    public long memoryBytes() {
        return memoryMb * MIB;
    }

    public long diskBytes() {
        return diskMb * MIB;
    }
}
