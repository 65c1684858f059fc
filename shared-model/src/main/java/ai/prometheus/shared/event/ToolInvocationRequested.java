package ai.prometheus.shared.event;

import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * A tool invocation waiting to run (the asynchronous path). It carries the code of the pinned tool
 * version so the sandbox needs nothing else to run it.
 *
 * @param callerClaims the caller's kind, groups and permissions at invocation time; absent in older events
 * @param network the tool version's network policy; absent or empty: no network
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolInvocationRequested(
        UUID invocationId,
        String toolName,
        int toolVersion,
        String fingerprint,
        String language,
        String code,
        JsonNode arguments,
        ExecutionLimits limits,
        String caller,
        UUID memoryContextId,
        CallerClaims callerClaims,
        NetworkPolicy network) {

    /** An event without {@link CallerClaims}, as emitters that do not know them send it. */
    public ToolInvocationRequested(UUID invocationId, String toolName, int toolVersion, String fingerprint, String language,
            String code, JsonNode arguments, ExecutionLimits limits, String caller, UUID memoryContextId) {
        this(invocationId, toolName, toolVersion, fingerprint, language, code, arguments, limits, caller, memoryContextId, null,
                null);
    }

    /** An event without a network policy. */
    public ToolInvocationRequested(UUID invocationId, String toolName, int toolVersion, String fingerprint, String language,
            String code, JsonNode arguments, ExecutionLimits limits, String caller, UUID memoryContextId,
            CallerClaims callerClaims) {
        this(invocationId, toolName, toolVersion, fingerprint, language, code, arguments, limits, caller, memoryContextId,
                callerClaims, null);
    }
}
