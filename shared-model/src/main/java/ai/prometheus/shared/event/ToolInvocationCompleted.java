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

    /** An event without {@link CallerClaims}, as emitters that do not know them send it. */
    public ToolInvocationCompleted(
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
            Instant finishedAt) {
        this(
                invocationId,
                toolName,
                toolVersion,
                caller,
                memoryContextId,
                status,
                result,
                argumentsSummary,
                usage,
                latencyMs,
                startedAt,
                finishedAt,
                null,
                null);
    }

    /** An event of a run without a network policy. */
    public ToolInvocationCompleted(
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
            CallerClaims callerClaims) {
        this(
                invocationId,
                toolName,
                toolVersion,
                caller,
                memoryContextId,
                status,
                result,
                argumentsSummary,
                usage,
                latencyMs,
                startedAt,
                finishedAt,
                callerClaims,
                null);
    }

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
