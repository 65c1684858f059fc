package ai.prometheus.shared.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
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
 * @param secrets environment variables for this run only (name to value); never stored, and
 *     redacted from everything the run produces
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionRequest(
        String language,
        String code,
        String stdin,
        ExecutionLimits limits,
        UUID sessionId,
        NetworkPolicy network,
        Map<String, String> secrets) {

    public ExecutionRequest(String language, String code, String stdin, ExecutionLimits limits) {
        this(language, code, stdin, limits, null, null, null);
    }

    public ExecutionRequest(String language, String code, String stdin, ExecutionLimits limits, UUID sessionId) {
        this(language, code, stdin, limits, sessionId, null, null);
    }

    /** Names the secrets but never shows their values, so a logged request leaks nothing. */
    @Override
    public String toString() {
        return "ExecutionRequest[language=" + language + ", codeLength=" + (code == null ? 0 : code.length())
                + ", limits=" + limits + ", sessionId=" + sessionId + ", network=" + network
                + ", secrets=" + (secrets == null ? "[]" : secrets.keySet()) + "]";
    }
}
