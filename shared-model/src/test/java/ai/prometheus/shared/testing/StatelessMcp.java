package ai.prometheus.shared.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a 2026-07-28 MCP client sends besides its body: the protocol version and routing headers
 * that must agree with the request's {@code _meta} envelope, for tests that speak the wire format.
 */
public final class StatelessMcp {

    public static final String VERSION = "2026-07-28";
    public static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    private static final Set<String> NAMED_METHODS =
            Set.of("tools/call", "resources/read", "prompts/get", "tasks/get", "tasks/update", "tasks/cancel");

    private StatelessMcp() {}

    /** The envelope of a client that declares {@code capabilities} (empty: none), plus {@code extra} entries. */
    public static Map<String, Object> envelope(Map<String, ?> capabilities, Map<String, ?> extra) {
        Map<String, Object> meta = new LinkedHashMap<>(extra);
        meta.put(META_PROTOCOL_VERSION, VERSION);
        meta.put(META_CLIENT_CAPABILITIES, capabilities);
        return meta;
    }

    /**
     * The headers for {@code method} with these params: none when the params carry no 2026-07-28
     * envelope (a session-revision request), else the version, {@code Mcp-Method} and, for a method
     * that names its target, {@code Mcp-Name}.
     */
    public static Map<String, String> headersFor(String method, Map<String, ?> params) {
        if (!(params.get("_meta") instanceof Map<?, ?> meta)
                || !(meta.get(META_PROTOCOL_VERSION) instanceof String version)) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("MCP-Protocol-Version", version);
        headers.put("Mcp-Method", method);
        Object name = params.containsKey("name")
                ? params.get("name")
                : method.startsWith("tasks/") ? params.get("taskId") : params.get("uri");
        if (NAMED_METHODS.contains(method) && name instanceof String target) {
            headers.put("Mcp-Name", target);
        }
        return headers;
    }
}
