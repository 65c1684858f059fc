package ai.prometheus.shared.sandbox;

/** What a sandboxed run consumed. */
public record ExecutionUsage(long wallMs, long cpuMs, long peakMemoryBytes, long outputBytes) {}
