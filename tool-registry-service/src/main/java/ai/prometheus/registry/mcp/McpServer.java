package ai.prometheus.registry.mcp;

import ai.prometheus.registry.discovery.Discovery;
import ai.prometheus.registry.discovery.DiscoveryQuery;
import ai.prometheus.registry.discovery.ToolSummary;
import ai.prometheus.registry.invocation.InvocationRequest;
import ai.prometheus.registry.invocation.InvocationService;
import ai.prometheus.registry.invocation.InvocationView;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.sandbox.ToolEvents;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The registry as a Model Context Protocol server: {@code tools/list} answers the tools the
 * token may invoke, {@code tools/call} goes through exactly the same path as
 * {@code POST /tools/{name}/invocations} (validation, permissions, audit, usage), and failures of
 * a call come back as tool errors ({@code isError: true}) the model can read. The progress and
 * log lines a tool wrote while it ran (see {@code ToolEvents}) come back as notifications to send
 * before the result.
 *
 * <p>Protocol versions: 2026-07-28 (stateless: no initialize needed, {@code server/discover},
 * {@code resultType} on results), 2025-11-25, 2025-06-18 and the older two, which this server
 * answers the same way since it keeps no session state that they would differ on.
 */
@ApplicationScoped
public class McpServer {

    /** The stateless revision: every request carries its version, there is no initialize. */
    static final String STATELESS_VERSION = "2026-07-28";
    /** What initialize offers when the client asks for a version this server does not speak. */
    static final String LATEST_SESSION_VERSION = "2025-11-25";
    static final List<String> PROTOCOL_VERSIONS = List.of(STATELESS_VERSION, "2025-11-25", "2025-06-18", "2025-03-26",
            "2024-11-05");
    static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    private static final Logger LOG = Logger.getLogger(McpServer.class);
    private static final int PAGE_SIZE = 100;
    private static final int MAX_COMPLETIONS = 100;
    /** How long a 2026-07-28 client may cache list results (they depend on the token: private). */
    private static final long LIST_TTL_MS = 60_000;

    private final Discovery discovery;
    private final InvocationService invocations;
    private final ToolResults results;
    private final LogLevels logLevels;
    private final ObjectMapper json;
    private final JsonRpc rpc;
    private final ToolSearch search;

    public McpServer(Discovery discovery, InvocationService invocations, ToolResults results, LogLevels logLevels,
            ObjectMapper json, ToolSearch search) {
        this.search = search;
        this.discovery = discovery;
        this.invocations = invocations;
        this.results = results;
        this.logLevels = logLevels;
        this.json = json;
        this.rpc = new JsonRpc(json);
    }

    /**
     * What an HTTP request tells about the exchange besides its body.
     *
     * @param session the {@code Mcp-Session-Id}, when the client has one
     * @param protocolVersion the {@code MCP-Protocol-Version} header, when sent
     */
    public record Exchange(String session, String protocolVersion) {
    }

    /**
     * The answer to one message: the response (null for a notification or a response, which need
     * none) and the notifications that go before it.
     */
    public record Reply(ObjectNode response, List<ObjectNode> notifications) {

        static Reply of(ObjectNode response) {
            return new Reply(response, List.of());
        }
    }

    public Uni<Reply> handle(Caller caller, JsonNode message, Exchange exchange) {
        if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").asText())) {
            return Uni.createFrom().item(Reply.of(rpc.error(message.get("id"), JsonRpc.INVALID_REQUEST,
                    "not a JSON-RPC 2.0 message")));
        }
        if (!JsonRpc.isRequest(message)) {
            return Uni.createFrom().item(Reply.of(null));
        }
        JsonNode id = message.get("id");
        JsonNode params = message.path("params");
        String method = message.get("method").asText();
        String version = version(params, exchange);
        if (version != null && !PROTOCOL_VERSIONS.contains(version) && !"initialize".equals(method)) {
            ObjectNode error = rpc.error(id, JsonRpc.INVALID_PARAMS, "unsupported protocol version " + version);
            ((ObjectNode) error.get("error")).putObject("data").putPOJO("supported", PROTOCOL_VERSIONS);
            return Uni.createFrom().item(Reply.of(error));
        }
        List<ObjectNode> notifications = new ArrayList<>();
        Uni<JsonNode> result = switch (method) {
            case "initialize" -> Uni.createFrom().item(initialize(params));
            case "server/discover" -> Uni.createFrom().item(discover());
            case "ping" -> Uni.createFrom().item(json.createObjectNode());
            case "logging/setLevel" -> setLevel(params, exchange);
            case "completion/complete" -> complete(caller, params);
            case "tools/list" -> listTools(caller, params, version);
            case "tools/call" -> callTool(caller, params, exchange, notifications);
            default -> null;
        };
        if (result == null) {
            return Uni.createFrom().item(Reply.of(rpc.error(id, JsonRpc.METHOD_NOT_FOUND, "unknown method " + method)));
        }
        boolean stateless = STATELESS_VERSION.equals(version);
        return result.map(value -> {
            if (stateless && value.isObject()) {
                ((ObjectNode) value).put("resultType", "complete");
            }
            return new Reply(rpc.result(id, value), notifications);
        }).onFailure().recoverWithItem(failure -> Reply.of(errorFor(id, failure)));
    }

    /** The version a request speaks: its {@code _meta} (2026-07-28), else the header; null when neither says. */
    static String version(JsonNode params, Exchange exchange) {
        JsonNode meta = params.path("_meta").path(META_PROTOCOL_VERSION);
        if (meta.isTextual()) {
            return meta.asText();
        }
        return exchange.protocolVersion() == null ? null : exchange.protocolVersion().trim();
    }

    ObjectNode listChanged() {
        return rpc.notification("notifications/tools/list_changed");
    }

    private ObjectNode capabilities() {
        ObjectNode capabilities = json.createObjectNode();
        capabilities.putObject("tools").put("listChanged", true);
        capabilities.putObject("logging");
        capabilities.putObject("completions");
        return capabilities;
    }

    private ObjectNode serverInfo() {
        return json.createObjectNode().put("name", "prometheus-tool-registry").put("title", "Prometheus tool registry")
                .put("version", "0.1.0");
    }

    private static final String INSTRUCTIONS = "Tools registered in the Prometheus tool registry that your token may"
            + " invoke. Arguments follow each tool's inputSchema; results are the tool's output.";

    private JsonNode initialize(JsonNode params) {
        String requested = params.path("protocolVersion").asText("");
        // initialize belongs to the session-based versions; a client asking for anything else gets the latest of those.
        String version = PROTOCOL_VERSIONS.contains(requested) && !STATELESS_VERSION.equals(requested)
                ? requested : LATEST_SESSION_VERSION;
        ObjectNode result = json.createObjectNode().put("protocolVersion", version);
        result.set("capabilities", capabilities());
        result.set("serverInfo", serverInfo());
        result.put("instructions", INSTRUCTIONS);
        return result;
    }

    private JsonNode discover() {
        ObjectNode result = json.createObjectNode();
        result.putPOJO("supportedVersions", PROTOCOL_VERSIONS);
        result.set("capabilities", capabilities());
        result.set("serverInfo", serverInfo());
        result.put("instructions", INSTRUCTIONS);
        // The same for every caller: what the server is, not what a token may do.
        result.put("ttlMs", 3_600_000L).put("cacheScope", "public");
        return result;
    }

    private Uni<JsonNode> setLevel(JsonNode params, Exchange exchange) {
        String level = params.path("level").asText("");
        if (!LogLevels.known(level)) {
            return Uni.createFrom().failure(new InvalidParams("params.level must be one of " + ToolEvents.LEVELS));
        }
        logLevels.set(exchange.session(), level);
        return Uni.createFrom().item(json.createObjectNode());
    }

    /**
     * Completion for tool arguments: {@code ref/tool} (an extension of the prompt and resource refs the
     * specification defines) completes a tool's enum argument values, and its {@code name} argument
     * the names of tools the caller may invoke. Prompt and resource refs complete to nothing: this
     * server has neither.
     */
    private Uni<JsonNode> complete(Caller caller, JsonNode params) {
        JsonNode ref = params.path("ref");
        String argument = params.path("argument").path("name").asText("");
        String prefix = params.path("argument").path("value").asText("");
        if (!ref.path("type").isTextual() || argument.isEmpty()) {
            return Uni.createFrom().failure(new InvalidParams("params.ref.type and params.argument.name are required"));
        }
        if (!"ref/tool".equals(ref.path("type").asText())) {
            return Uni.createFrom().item(completion(List.of()));
        }
        String toolName = ref.path("name").asText("");
        return discovery.invocable(caller, new DiscoveryQuery(null, null, null, null, "name", 0, PAGE_SIZE))
                .map(found -> {
                    List<String> values = new ArrayList<>();
                    for (ToolSummary tool : found.items()) {
                        if (toolName.isEmpty() && "name".equals(argument)) {
                            values.add(tool.name());
                        } else if (tool.name().equals(toolName)) {
                            tool.functionSignature().path("properties").path(argument).path("enum")
                                    .forEach(value -> values.add(value.isTextual() ? value.asText() : value.toString()));
                        }
                    }
                    return completion(values.stream().filter(v -> v.startsWith(prefix)).toList());
                });
    }

    private JsonNode completion(List<String> values) {
        ObjectNode result = json.createObjectNode();
        ObjectNode completion = result.putObject("completion");
        ArrayNode array = completion.putArray("values");
        values.stream().limit(MAX_COMPLETIONS).forEach(array::add);
        completion.put("total", values.size()).put("hasMore", values.size() > MAX_COMPLETIONS);
        return result;
    }

    private Uni<JsonNode> listTools(Caller caller, JsonNode params, String version) {
        int page = 0;
        if (params.hasNonNull("cursor")) {
            try {
                page = Integer.parseInt(params.get("cursor").asText());
            } catch (NumberFormatException e) {
                return Uni.createFrom().failure(new InvalidParams("cursor is not one this server gave out"));
            }
        }
        int index = page;
        // Sorted by name: the order is deterministic, as 2026-07-28 asks (and pages stay stable).
        return discovery.invocable(caller, new DiscoveryQuery(null, null, null, null, "name", page, PAGE_SIZE))
                .map(found -> {
                    ObjectNode result = json.createObjectNode();
                    ArrayNode tools = result.putArray("tools");
                    if (index == 0) {
                        // The built-in comes first on the first page; no registered tool can take its name.
                        tools.add(search.describe());
                    }
                    for (ToolSummary tool : found.items()) {
                        tools.add(McpTools.describe(json, tool));
                    }
                    if (found.hasMore()) {
                        result.put("nextCursor", Integer.toString(index + 1));
                    }
                    if (STATELESS_VERSION.equals(version)) {
                        result.put("ttlMs", LIST_TTL_MS).put("cacheScope", "private");
                    }
                    return result;
                });
    }

    private Uni<JsonNode> callTool(Caller caller, JsonNode params, Exchange exchange, List<ObjectNode> notifications) {
        if (!params.path("name").isTextual()) {
            return Uni.createFrom().failure(new InvalidParams("params.name must name a tool"));
        }
        JsonNode arguments = params.get("arguments");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            return Uni.createFrom().failure(new InvalidParams("params.arguments must be an object"));
        }
        String name = params.get("name").asText();
        if (ToolSearch.NAME.equals(name)) {
            return search.call(caller, arguments).onFailure(ToolSearch.BadArguments.class)
                    .recoverWithItem(failure -> (JsonNode) results.error(failure.getMessage()));
        }
        JsonNode progressToken = params.path("_meta").get("progressToken");
        return invocations.invoke(caller, name, new InvocationRequest(arguments, "sync", null, null), null)
                .chain(invoked -> discovery.mcpMetadata(name).map(metadata -> {
                    InvocationView invocation = invoked.invocation();
                    notifications.addAll(notificationsFor(invocation, progressToken, exchange));
                    JsonNode outputSchema = metadata == null ? null : metadata.get("outputSchema");
                    return (JsonNode) results.of(invocation, outputSchema, "output:" + invocation.fingerprint());
                }))
                // A tool that does not exist (or that the caller may not see) is a protocol error, as
                // the specification has it; every other refusal is a result the model can read.
                .onFailure(ProblemException.class).transform(failure -> ((ProblemException) failure).type() == ProblemType.NOT_FOUND
                        ? new InvalidParams("unknown tool: " + name) : failure)
                .onFailure(ProblemException.class).recoverWithItem(failure -> toolError((ProblemException) failure));
    }

    /** The run's progress lines (when the call asked for progress) and log lines the session wants to hear. */
    private List<ObjectNode> notificationsFor(InvocationView invocation, JsonNode progressToken, Exchange exchange) {
        List<ObjectNode> out = new ArrayList<>();
        if (invocation.events() == null) {
            return out;
        }
        for (JsonNode event : invocation.events()) {
            if ("progress".equals(event.path("type").asText())) {
                if (progressToken == null || progressToken.isNull()) {
                    continue;
                }
                ObjectNode notification = rpc.notification("notifications/progress");
                ObjectNode params = notification.putObject("params");
                params.set("progressToken", progressToken);
                params.set("progress", event.get("progress"));
                if (event.has("total")) {
                    params.set("total", event.get("total"));
                }
                if (event.has("message")) {
                    params.set("message", event.get("message"));
                }
                out.add(notification);
            } else if (logLevels.passes(exchange.session(), event.path("level").asText())) {
                ObjectNode notification = rpc.notification("notifications/message");
                ObjectNode params = notification.putObject("params").put("level", event.path("level").asText());
                params.put("logger", event.has("logger") ? event.get("logger").asText() : invocation.tool());
                params.set("data", event.get("message"));
                out.add(notification);
            }
        }
        return out;
    }

    private JsonNode toolError(ProblemException problem) {
        StringBuilder text = new StringBuilder(problem.getMessage());
        for (FieldError error : problem.errors()) {
            text.append("\n- ").append(error.field()).append(": ").append(error.reason());
        }
        return results.error(text.toString());
    }

    private ObjectNode errorFor(JsonNode id, Throwable failure) {
        if (failure instanceof InvalidParams invalid) {
            return rpc.error(id, JsonRpc.INVALID_PARAMS, invalid.getMessage());
        }
        if (failure instanceof ProblemException problem) {
            int code = problem.type() == ProblemType.FORBIDDEN ? JsonRpc.FORBIDDEN : JsonRpc.INVALID_PARAMS;
            return rpc.error(id, code, problem.getMessage());
        }
        LOG.error("MCP request failed", failure);
        return rpc.error(id, JsonRpc.INTERNAL_ERROR, "the server failed to handle the request");
    }

    /** Params that do not fit the method: a JSON-RPC error, not a tool error. */
    static final class InvalidParams extends RuntimeException {
        InvalidParams(String message) {
            super(message, null, false, false);
        }
    }
}
