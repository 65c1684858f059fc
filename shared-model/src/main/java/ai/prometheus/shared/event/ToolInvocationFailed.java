package ai.prometheus.shared.event;

import ai.prometheus.shared.sandbox.EgressSummary;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * A tool invocation that failed: the code exited non-zero, hit a sandbox limit, was refused by
 * policy, or the platform could not run it.
 *
 * <p>Built with its one constructor: what the emitter does not have (the caller's claims, the
 * egress of a run without a network policy) is passed as null and left out of the JSON.
 *
 * @param status the sandbox status, such as {@code RUNTIME_ERROR} or {@code TIMEOUT_WALL}
 * @param platformFault true when the failure is the platform's fault rather than the tool code's
 * @param callerClaims the caller's kind, groups and permissions at invocation time; absent in older events
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolInvocationFailed(
        UUID invocationId,
        String toolName,
        int toolVersion,
        String caller,
        UUID memoryContextId,
        String status,
        String errorMessage,
        Integer exitCode,
        boolean platformFault,
        String argumentsSummary,
        ExecutionUsage usage,
        long latencyMs,
        Instant startedAt,
        Instant finishedAt,
        CallerClaims callerClaims,
        EgressSummary egress) {}
