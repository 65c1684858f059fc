package ai.prometheus.shared.platform.mcp;

import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
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

    /** What this server is, as {@code initialize} and {@code server/discover} answer it. */
    ServerInfo serverInfo();

    /** What the server offers, told to the host on initialize and discover. */
    String instructions();

    /** The config prefix of this server's {@link #transportSettings()}, such as {@code registry.mcp}, for messages. */
    String configPrefix();

    /** This server's transport settings: a group of the service's config mapping, under {@link #configPrefix()}. */
    McpTransportSettings transportSettings();

    /** Browser origins besides this machine's that may call /mcp; {@code *}: any. */
    default List<String> allowedOrigins() {
        return transportSettings().allowedOrigins().orElse(List.of());
    }

    /** Host names (or host:port) /mcp answers under besides loopback ones; {@code *}: any. */
    default List<String> allowedHosts() {
        return transportSettings().allowedHosts().orElse(List.of());
    }

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

    /**
     * Whether resources may be subscribed to: {@code resources/subscribe} (2025-11-25, heard on the
     * session's GET stream) and {@code resourceSubscriptions} on a 2026-07-28 listen stream.
     */
    default boolean resourceSubscriptions() {
        return false;
    }

    /**
     * The URIs among {@code uris} (a live set: it may grow while the stream runs) whose resources
     * change, as they change, and only those {@code caller} may still read.
     */
    default Multi<String> resourceUpdates(Caller caller, java.util.Set<String> uris) {
        return Multi.createFrom().nothing();
    }

    /** {@code resources/read}: the {@code contents} array for {@code uri}. */
    default Uni<ArrayNode> readResource(Caller caller, String uri) {
        throw new UnsupportedOperationException();
    }

    /**
     * 2026-07-28 {@code subscriptions/listen}: the part of the {@code requested} notification filter
     * ({@code toolsListChanged}, {@code resourceSubscriptions}...) this service honours for
     * {@code caller}, as the acknowledgement repeats it. Empty: none.
     */
    default ObjectNode acceptSubscriptions(Caller caller, ObjectNode requested) {
        return requested.objectNode();
    }

    /**
     * The notifications a listen stream with the {@code accepted} filter carries, for as long as the
     * client keeps it open; only ones {@code caller} may know of.
     */
    default Multi<ObjectNode> subscriptionNotifications(Caller caller, ObjectNode accepted) {
        return Multi.createFrom().nothing();
    }

    /**
     * Whether {@code tools/call} may run as a task: the 2025-11-25 experimental tasks
     * ({@code params.task}, {@code tasks/get}, {@code tasks/result}, {@code tasks/list},
     * {@code tasks/cancel}) and the 2026-07-28 tasks extension ({@code io.modelcontextprotocol/tasks}).
     * A task must be bound to the caller that started it: no other token sees or cancels it.
     */
    default boolean tasks() {
        return false;
    }

    /**
     * The {@code taskSupport} of the tool {@code tool} as {@code caller} would call it:
     * {@code "optional"}, {@code "required"} or {@code "forbidden"} (never a task); null for a tool
     * the caller does not know, whose call then fails as it would anyway. The tools of
     * {@link #listTools} may carry it as {@code execution.taskSupport}; the core drops that where
     * the negotiated version has no such field.
     */
    default Uni<String> taskSupport(Caller caller, String tool) {
        return Uni.createFrom().nullItem();
    }

    /** Starts {@code call} as a task; it returns once {@link #task} would find it. */
    default Uni<McpTask.Start> startTask(Caller caller, ToolCall call) {
        throw new UnsupportedOperationException();
    }

    /** The caller's task {@code taskId}; fails with {@link McpServer.InvalidParams} when the caller has none of that id. */
    default Uni<McpTask> task(Caller caller, String taskId) {
        throw new UnsupportedOperationException();
    }

    /**
     * Cancels the caller's task {@code taskId} if it is still working, and answers the task as it is
     * then (already terminal: unchanged). The work itself may go on; its outcome is discarded.
     */
    default Uni<McpTask> cancelTask(Caller caller, String taskId) {
        throw new UnsupportedOperationException();
    }

    /** One page of the caller's tasks, newest first. */
    default Uni<McpTask.Page> listTasks(Caller caller, String cursor) {
        throw new UnsupportedOperationException();
    }

    /**
     * A {@code tools/call} request.
     *
     * @param name the tool
     * @param arguments an object, or null when the request sent none
     * @param params the request's params as sent ({@code _meta}, a progress token...)
     * @param notifications where the call sends its notifications (progress, log lines) while it runs,
     *     before its result; from any thread
     */
    record ToolCall(
            String name,
            JsonNode arguments,
            JsonNode params,
            McpServer.Exchange exchange,
            java.util.function.Consumer<ObjectNode> notifications) {}

    /** The {@code serverInfo} of this server: {@code name}, {@code title} and {@code version}. */
    record ServerInfo(String name, String title, String version) {}

    /** @param nextCursor null on the last page */
    record ToolPage(List<ObjectNode> tools, String nextCursor) {}

    /** @param nextCursor null on the last page */
    record ResourcePage(List<ObjectNode> resources, String nextCursor) {}
}
