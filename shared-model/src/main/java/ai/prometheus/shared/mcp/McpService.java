package ai.prometheus.shared.mcp;

import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * What a service tells the shared MCP core ({@link McpServer}) about itself: its tools (and,
 * optionally, resources) as the calling token may see them. The core does the protocol: framing,
 * versions, initialize and discover, ping, logging levels, errors. A service has at most one
 * implementation, an application-scoped bean.
 *
 * <p>Failures: {@link McpServer.InvalidParams} becomes JSON-RPC -32602; a {@code ProblemException}
 * becomes -32003 when forbidden, else -32602; anything else -32603. A tool refusing a call the
 * model could correct (a permission, a conflict) should rather answer a result with
 * {@code isError: true} ({@link McpServer#toolError}).
 */
public interface McpService {

    /** {@code name}, {@code title} and {@code version} of this server. */
    ObjectNode serverInfo();

    /** What the server offers, told to the host on initialize and discover. */
    String instructions();

    /** The config prefix under which allowed-origins and allowed-hosts are set, for messages. */
    String configPrefix();

    /** Browser origins besides this machine's that may call /mcp; {@code *}: any. */
    List<String> allowedOrigins();

    /** Host names (or host:port) /mcp answers under besides loopback ones; {@code *}: any. */
    List<String> allowedHosts();

    /**
     * One page of {@code tools/list}: the tools {@code caller} may call, in a deterministic order.
     *
     * @param cursor a cursor this service gave out as {@code nextCursor}, or null for the first page
     */
    Uni<ToolPage> listTools(Caller caller, String cursor);

    /** {@code tools/call}: a {@code CallToolResult}. */
    Uni<JsonNode> callTool(Caller caller, ToolCall call);

    /** Whether the tool set may change while a session runs (and the service tells, over GET /mcp). */
    default boolean toolsListChanged() {
        return false;
    }

    /** Whether tools send log lines (so {@code logging/setLevel} means something). */
    default boolean logging() {
        return false;
    }

    /** Whether the service completes arguments ({@code completion/complete}). */
    default boolean completions() {
        return false;
    }

    /** Completion values for {@code argument} of the thing {@code ref} names, starting with {@code prefix}. */
    default Uni<List<String>> complete(Caller caller, JsonNode ref, String argument, String prefix) {
        return Uni.createFrom().item(List.of());
    }

    /** Whether the service has resources ({@code resources/list}, {@code resources/read}, templates). */
    default boolean resources() {
        return false;
    }

    /** One page of {@code resources/list}: the items are {@code Resource} objects. */
    default Uni<ResourcePage> listResources(Caller caller, String cursor) {
        throw new UnsupportedOperationException();
    }

    /** {@code resources/templates/list}: the {@code ResourceTemplate} objects. */
    default ArrayNode resourceTemplates() {
        throw new UnsupportedOperationException();
    }

    /** {@code resources/read}: the {@code contents} array for {@code uri}. */
    default Uni<ArrayNode> readResource(Caller caller, String uri) {
        throw new UnsupportedOperationException();
    }

    /**
     * A {@code tools/call} request.
     *
     * @param name the tool
     * @param arguments an object, or null when the request sent none
     * @param params the request's params as sent ({@code _meta}, a progress token...)
     * @param notifications where the call adds the notifications to send before its result
     */
    record ToolCall(String name, JsonNode arguments, JsonNode params, McpServer.Exchange exchange,
            List<ObjectNode> notifications) {
    }

    /** @param nextCursor null on the last page */
    record ToolPage(List<ObjectNode> tools, String nextCursor) {
    }

    /** @param nextCursor null on the last page */
    record ResourcePage(List<ObjectNode> resources, String nextCursor) {
    }
}
