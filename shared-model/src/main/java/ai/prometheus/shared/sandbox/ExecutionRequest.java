package ai.prometheus.shared.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * A request to run code in the sandbox ({@code POST /api/v1/executions}); also what the tool
 * registry sends for a synchronous tool invocation.
 *
 * @param language {@code python}, {@code node} or {@code bash}
 * @param code the program text
 * @param stdin bytes given on standard input (for tools: the arguments as one JSON document)
 * @param limits per-run limits; absent fields take the operator's defaults
 * @param sessionId run inside this session's persistent workspace instead of a fresh one
 * @param network where the code may connect through the sandbox's egress proxy; absent or empty: no
 *     network at all (needs the permission {@code sandbox:network})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionRequest(String language, String code, String stdin, ExecutionLimits limits, UUID sessionId,
        NetworkPolicy network) {

    public ExecutionRequest(String language, String code, String stdin, ExecutionLimits limits) {
        this(language, code, stdin, limits, null, null);
    }

    public ExecutionRequest(String language, String code, String stdin, ExecutionLimits limits, UUID sessionId) {
        this(language, code, stdin, limits, sessionId, null);
    }
}
