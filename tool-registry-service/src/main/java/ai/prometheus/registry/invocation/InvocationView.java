package ai.prometheus.registry.invocation;

import ai.prometheus.shared.sandbox.EgressSummary;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** An invocation as the API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvocationView(
        UUID id,
        String tool,
        int toolVersion,
        String fingerprint,
        String mode,
        String status,
        String sandboxStatus,
        JsonNode result,
        String error,
        Integer exitCode,
        ExecutionUsage usage,
        Long latencyMs,
        UUID memoryContextId,
        String caller,
        String traceId,
        OffsetDateTime createdAt,
        OffsetDateTime finishedAt,
        EgressSummary egress,
        List<JsonNode> events) {

    static InvocationView of(Invocation invocation) {
        ExecutionUsage usage = invocation.wallMs == null
                ? null
                : new ExecutionUsage(
                        invocation.wallMs,
                        nz(invocation.cpuMs),
                        nz(invocation.peakMemoryBytes),
                        nz(invocation.outputBytes));
        return new InvocationView(
                invocation.id,
                invocation.toolName,
                invocation.toolVersion,
                invocation.fingerprint,
                invocation.mode.name().toLowerCase(),
                invocation.status.name(),
                invocation.sandboxStatus,
                invocation.result(),
                invocation.errorMessage,
                invocation.exitCode,
                usage,
                invocation.latencyMs,
                invocation.memoryContextId,
                invocation.caller,
                invocation.traceId,
                invocation.createdAt,
                invocation.finishedAt,
                invocation.egress,
                invocation.eventsJson == null ? null : invocation.events());
    }

    private static long nz(Long value) {
        return value == null ? 0 : value;
    }
}
