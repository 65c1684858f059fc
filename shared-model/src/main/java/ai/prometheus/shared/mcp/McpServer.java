package ai.prometheus.shared.mcp;

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
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The protocol side of a Model Context Protocol server, shared by the services that have one: it
 * answers one JSON-RPC message (initialize, server/discover, ping, logging/setLevel,
 * completion/complete, tools/list, tools/call, resources/*) and leaves what the tools and
 * resources are, and who may see them, to the service's {@link McpService}.
 *
 * <p>Protocol versions: 2026-07-28 (stateless: no initialize needed, {@code server/discover},
 * {@code resultType} on results), 2025-11-25, 2025-06-18 and the older two, which are answered the
 * same way since no session state is kept that they would differ on.
 */
@ApplicationScoped
public class McpServer {

    /** The stateless revision: every request carries its version, there is no initialize. */
    public static final String STATELESS_VERSION = "2026-07-28";
    /** What initialize offers when the client asks for a version this server does not speak. */
    public static final String LATEST_SESSION_VERSION = "2025-11-25";
    public static final List<String> PROTOCOL_VERSIONS = List.of(STATELESS_VERSION, "2025-11-25", "2025-06-18",
            "2025-03-26", "2024-11-05");
    public static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    private static final Logger LOG = Logger.getLogger(McpServer.class);
    private static final int MAX_COMPLETIONS = 100;
    /** How long a 2026-07-28 client may cache list results (they depend on the token: private). */
    private static final long LIST_TTL_MS = 60_000;

    private final Instance<McpService> services;
    private final LogLevels logLevels;
    private final ObjectMapper json;
    private final JsonRpc rpc;

    public McpServer(Instance<McpService> services, LogLevels logLevels, ObjectMapper json) {
        this.services = services;
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

    /**
     * Params that do not fit the method: a JSON-RPC error (-32602), not a tool error. Field errors,
     * when there are any, go in the error's {@code data.errors} as {@code {field, reason}}.
     */
    public static final class InvalidParams extends RuntimeException {
        private final List<FieldError> errors;

        public InvalidParams(String message) {
            this(message, List.of());
        }

        public InvalidParams(String message, List<FieldError> errors) {
            super(message, null, false, false);
            this.errors = List.copyOf(errors);
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    /** {@code resources/read} of a resource that does not exist, or that the caller may not read: -32002. */
    public static final class ResourceNotFound extends RuntimeException {
        private final String uri;

        public ResourceNotFound(String uri) {
            super("resource not found: " + uri, null, false, false);
            this.uri = uri;
        }

        public String uri() {
            return uri;
        }
    }

    private McpService service() {
        return services.get();
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
        Uni<JsonNode> result;
        try {
            result = dispatch(caller, method, params, exchange, version, notifications);
        } catch (RuntimeException failure) {
            result = Uni.createFrom().failure(failure);
        }
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

    private Uni<JsonNode> dispatch(Caller caller, String method, JsonNode params, Exchange exchange, String version,
            List<ObjectNode> notifications) {
        McpService service = service();
        return switch (method) {
            case "initialize" -> Uni.createFrom().item(initialize(params));
            case "server/discover" -> Uni.createFrom().item(discover());
            case "ping" -> Uni.createFrom().item(json.createObjectNode());
            case "logging/setLevel" -> service.logging() ? setLevel(params, exchange) : null;
            case "completion/complete" -> service.completions() ? complete(caller, params) : null;
            case "tools/list" -> listTools(caller, params, version);
            case "tools/call" -> callTool(caller, params, exchange, notifications);
            case "resources/list" -> service.resources() ? listResources(caller, params, version) : null;
            case "resources/templates/list" -> service.resources() ? resourceTemplates(version) : null;
            case "resources/read" -> service.resources() ? readResource(caller, params) : null;
            default -> null;
        };
    }

    /** The version a request speaks: its {@code _meta} (2026-07-28), else the header; null when neither says. */
    public static String version(JsonNode params, Exchange exchange) {
        JsonNode meta = params.path("_meta").path(META_PROTOCOL_VERSION);
        if (meta.isTextual()) {
            return meta.asText();
        }
        return exchange.protocolVersion() == null ? null : exchange.protocolVersion().trim();
    }

    public ObjectNode listChanged() {
        return rpc.notification("notifications/tools/list_changed");
    }

    /** A tool result the model reads as a failure ({@code isError}), one text block. */
    public ObjectNode toolError(String text) {
        ObjectNode result = json.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", true);
        return result;
    }

    /** A refusal as a tool result: the problem's detail and each field error on a line. */
    public ObjectNode toolError(ProblemException problem) {
        StringBuilder text = new StringBuilder(problem.getMessage());
        for (FieldError error : problem.errors()) {
            text.append("\n- ").append(error.field()).append(": ").append(error.reason());
        }
        return toolError(text.toString());
    }

    private ObjectNode capabilities() {
        McpService service = service();
        ObjectNode capabilities = json.createObjectNode();
        capabilities.putObject("tools").put("listChanged", service.toolsListChanged());
        if (service.logging()) {
            capabilities.putObject("logging");
        }
        if (service.completions()) {
            capabilities.putObject("completions");
        }
        if (service.resources()) {
            capabilities.putObject("resources").put("listChanged", false).put("subscribe", false);
        }
        return capabilities;
    }

    private JsonNode initialize(JsonNode params) {
        String requested = params.path("protocolVersion").asText("");
        // initialize belongs to the session-based versions; a client asking for anything else gets the latest of those.
        String version = PROTOCOL_VERSIONS.contains(requested) && !STATELESS_VERSION.equals(requested)
                ? requested : LATEST_SESSION_VERSION;
        ObjectNode result = json.createObjectNode().put("protocolVersion", version);
        result.set("capabilities", capabilities());
        result.set("serverInfo", service().serverInfo());
        result.put("instructions", service().instructions());
        return result;
    }

    private JsonNode discover() {
        ObjectNode result = json.createObjectNode();
        result.putPOJO("supportedVersions", PROTOCOL_VERSIONS);
        result.set("capabilities", capabilities());
        result.set("serverInfo", service().serverInfo());
        result.put("instructions", service().instructions());
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

    private Uni<JsonNode> complete(Caller caller, JsonNode params) {
        JsonNode ref = params.path("ref");
        String argument = params.path("argument").path("name").asText("");
        String prefix = params.path("argument").path("value").asText("");
        if (!ref.path("type").isTextual() || argument.isEmpty()) {
            return Uni.createFrom().failure(new InvalidParams("params.ref.type and params.argument.name are required"));
        }
        return service().complete(caller, ref, argument, prefix).map(found -> {
            ObjectNode result = json.createObjectNode();
            ObjectNode completion = result.putObject("completion");
            ArrayNode array = completion.putArray("values");
            found.stream().limit(MAX_COMPLETIONS).forEach(array::add);
            completion.put("total", found.size()).put("hasMore", found.size() > MAX_COMPLETIONS);
            return result;
        });
    }

    private static String cursor(JsonNode params) {
        return params.hasNonNull("cursor") ? params.get("cursor").asText() : null;
    }

    private Uni<JsonNode> listTools(Caller caller, JsonNode params, String version) {
        return service().listTools(caller, cursor(params)).map(page -> {
            ObjectNode result = json.createObjectNode();
            ArrayNode tools = result.putArray("tools");
            page.tools().forEach(tools::add);
            return listResult(result, page.nextCursor(), version);
        });
    }

    private Uni<JsonNode> listResources(Caller caller, JsonNode params, String version) {
        return service().listResources(caller, cursor(params)).map(page -> {
            ObjectNode result = json.createObjectNode();
            ArrayNode resources = result.putArray("resources");
            page.resources().forEach(resources::add);
            return listResult(result, page.nextCursor(), version);
        });
    }

    private Uni<JsonNode> resourceTemplates(String version) {
        ObjectNode result = json.createObjectNode();
        result.set("resourceTemplates", service().resourceTemplates());
        return Uni.createFrom().item(listResult(result, null, version));
    }

    private JsonNode listResult(ObjectNode result, String nextCursor, String version) {
        if (nextCursor != null) {
            result.put("nextCursor", nextCursor);
        }
        if (STATELESS_VERSION.equals(version)) {
            result.put("ttlMs", LIST_TTL_MS).put("cacheScope", "private");
        }
        return result;
    }

    private Uni<JsonNode> readResource(Caller caller, JsonNode params) {
        if (!params.path("uri").isTextual()) {
            return Uni.createFrom().failure(new InvalidParams("params.uri must name a resource"));
        }
        return service().readResource(caller, params.get("uri").asText()).map(contents -> {
            ObjectNode result = json.createObjectNode();
            result.set("contents", contents);
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
        return service().callTool(caller, new McpService.ToolCall(params.get("name").asText(), arguments, params,
                exchange, notifications));
    }

    private ObjectNode errorFor(JsonNode id, Throwable failure) {
        if (failure instanceof InvalidParams invalid) {
            ObjectNode error = rpc.error(id, JsonRpc.INVALID_PARAMS, invalid.getMessage());
            if (!invalid.errors().isEmpty()) {
                ((ObjectNode) error.get("error")).putObject("data").putPOJO("errors", invalid.errors());
            }
            return error;
        }
        if (failure instanceof ResourceNotFound missing) {
            ObjectNode error = rpc.error(id, JsonRpc.RESOURCE_NOT_FOUND, missing.getMessage());
            ((ObjectNode) error.get("error")).putObject("data").put("uri", missing.uri());
            return error;
        }
        if (failure instanceof ProblemException problem) {
            int code = problem.type() == ProblemType.FORBIDDEN ? JsonRpc.FORBIDDEN : JsonRpc.INVALID_PARAMS;
            return rpc.error(id, code, problem.getMessage());
        }
        LOG.error("MCP request failed", failure);
        return rpc.error(id, JsonRpc.INTERNAL_ERROR, "the server failed to handle the request");
    }
}
