package ai.prometheus.shared.event;

import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;

/**
 * A tool invocation waiting to run (the asynchronous path). It carries the code of the pinned tool
 * version so the sandbox needs nothing else to run it, except secret values: it names the secrets
 * the version declares, and the sandbox fetches their values from the registry at run time, so
 * they never travel on Kafka.
 *
 * <p>Built with its one constructor: what the emitter does not have (the caller's claims, a
 * network policy, secrets) is passed as null and left out of the JSON.
 *
 * @param callerClaims the caller's kind, groups and permissions at invocation time; absent in older events
 * @param network the tool version's network policy; absent or empty: no network
 * @param secrets names of the secrets the run gets as environment variables; absent when none
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
        NetworkPolicy network,
        List<String> secrets) {

    /** The declared secret names, never null. */
    public List<String> secretNames() {
        return secrets == null ? List.of() : secrets;
    }
}
