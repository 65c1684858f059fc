package ai.prometheus.shared.event;

import ai.prometheus.shared.sandbox.EgressSummary;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * A tool invocation that ran and succeeded.
 *
 * <p>Built with its one constructor: what the emitter does not have (the caller's claims, the
 * egress of a run without a network policy) is passed as null and left out of the JSON.
 *
 * @param result the tool's stdout, parsed as JSON when it is JSON, else a JSON string
 * @param argumentsSummary a short, size-capped rendering of the arguments for episodic memory
 * @param callerClaims the caller's kind, groups and permissions at invocation time; absent in older events
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolInvocationCompleted(
        UUID invocationId,
        String toolName,
        int toolVersion,
        String caller,
        UUID memoryContextId,
        String status,
        JsonNode result,
        String argumentsSummary,
        ExecutionUsage usage,
        long latencyMs,
        Instant startedAt,
        Instant finishedAt,
        CallerClaims callerClaims,
        EgressSummary egress) {

    /** The same event with another result: the whole one, fetched when the event carried it cut. */
    public ToolInvocationCompleted withResult(JsonNode whole) {
        return new ToolInvocationCompleted(
                invocationId,
                toolName,
                toolVersion,
                caller,
                memoryContextId,
                status,
                whole,
                argumentsSummary,
                usage,
                latencyMs,
                startedAt,
                finishedAt,
                callerClaims,
                egress);
    }
}
