package ai.prometheus.shared.platform.mcp;

import ai.prometheus.shared.platform.web.StorableText;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.sandbox.ToolEvents;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
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
 *
 * <p>Size: ~700 lines because it is the whole protocol in one place: every method shares the
 * version negotiation, the stateless and session differences and the mapping of failures to
 * JSON-RPC errors or tool errors; split the tasks extension (tasks/get, cancel, result, list) into
 * its own class if it grows.
 */
@ApplicationScoped
public class McpServer {

    /** The stateless revision: every request carries its version, there is no initialize. */
    public static final String STATELESS_VERSION = "2026-07-28";
    /** What initialize offers when the client asks for a version this server does not speak. */
    public static final String LATEST_SESSION_VERSION = "2025-11-25";

    public static final List<String> PROTOCOL_VERSIONS =
            List.of(STATELESS_VERSION, "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
    public static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    /** 2026-07-28: the log level a request wants its notifications/message at; without it, none. */
    public static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    /** The 2026-07-28 tasks extension, declared in the client's per-request capabilities. */
    public static final String TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

    public static final String META_RELATED_TASK = "io.modelcontextprotocol/related-task";
    /** 2025-11-25: a client gives up on one of its requests (params.requestId). */
    static final String CANCELLED = "notifications/cancelled";
    /** How often a client should poll a task, and how often tasks/result looks while it waits. */
    static final long TASK_POLL_MS = 500;
    /** The longest tasks/result waits for a task to end; then it answers an error and the client polls. */
    static final Duration TASK_RESULT_WAIT = Duration.ofMinutes(5);

    private static final Logger LOG = Logger.getLogger(McpServer.class);
    private static final int MAX_COMPLETIONS = 100;
    /** How long a 2026-07-28 client may cache list results (they depend on the token: private). */
    private static final long LIST_TTL_MS = 60_000;

    private static final String SERVER_INFO_META_KEY = "io.modelcontextprotocol/serverInfo";

    private final Instance<McpService> services;
    private final LogLevels logLevels;
    private final ObjectMapper json;
    private final JsonRpc rpc;
    private final Vertx vertx;
    private final ResourceSubscriptions subscriptions;
    private final InFlightRequests inFlight;

    public McpServer(
            Instance<McpService> services,
            LogLevels logLevels,
            ObjectMapper json,
            Vertx vertx,
            ResourceSubscriptions subscriptions,
            InFlightRequests inFlight) {
        this.inFlight = inFlight;
        this.services = services;
        this.subscriptions = subscriptions;
        this.logLevels = logLevels;
        this.json = json;
        this.vertx = vertx;
        this.rpc = new JsonRpc(json);
    }

    /**
     * What an HTTP request tells about the exchange besides its body.
     *
     * @param session the {@code Mcp-Session-Id}, when the client has one
     * @param protocolVersion the {@code MCP-Protocol-Version} header, when sent
     */
    public record Exchange(String session, String protocolVersion) {}

    /**
     * The answer to one message: the response (null for a notification or a response, which need
     * none) and the HTTP status it goes with. That is 200 but where 2026-07-28 asks for another:
     * 400 for a request its envelope or headers make unusable, 404 for a method not served.
     */
    public record Reply(ObjectNode response, int status) {

        static Reply of(ObjectNode response) {
            return new Reply(response, 200);
        }
    }

    /** 2026-07-28 methods of the session revisions, gone with the session: -32601 and HTTP 404. */
    private static final Set<String> REMOVED_IN_STATELESS = Set.of(
            "initialize",
            "ping",
            "logging/setLevel",
            "resources/subscribe",
            "resources/unsubscribe",
            "tasks/result",
            "tasks/list");

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

    /**
     * {@code resources/read} of a resource that does not exist, or that the caller may not read:
     * -32002 before 2026-07-28, -32602 on it (SEP-2164), the error's {@code data.uri} naming it.
     */
    public static final class ResourceNotFound extends RuntimeException {
        private final String uri;
        private final boolean foreign;

        public ResourceNotFound(String uri) {
            super("resource not found: " + uri, null, false, false);
            this.uri = uri;
            this.foreign = false;
        }

        /**
         * A URI this server never serves (another scheme or shape): -32602 in every version, as the
         * params are wrong whatever exists; {@code message} says which URIs there are.
         */
        public static ResourceNotFound foreign(String uri, String message) {
            return new ResourceNotFound(uri, message);
        }

        private ResourceNotFound(String uri, String message) {
            super(message, null, false, false);
            this.uri = uri;
            this.foreign = true;
        }

        public String uri() {
            return uri;
        }
    }

    /**
     * A request that needs a client capability the client did not declare (2026-07-28, -32021);
     * {@code extension} is the one it lacks.
     */
    public static final class MissingCapability extends RuntimeException {
        private final String extension;

        public MissingCapability(String extension, String message) {
            super(message, null, false, false);
            this.extension = extension;
        }
    }

    /**
     * A call that ended in a protocol error rather than a result (the tool said so, or the platform
     * could not run it): {@code error} is the JSON-RPC error object, answered as it is.
     */
    public static final class ProtocolError extends RuntimeException {
        private final ObjectNode error;

        public ProtocolError(ObjectNode error) {
            super(error.path("message").asText("protocol error"), null, false, false);
            this.error = error;
        }

        public ObjectNode error() {
            return error;
        }
    }

    /** A method the server knows but that the negotiated version or a tool does not offer: -32601. */
    public static final class NotOffered extends RuntimeException {

        public NotOffered(String message) {
            super(message, null, false, false);
        }
    }

    private McpService service() {
        return services.get();
    }

    /** Handles {@code message}; notifications the handling produces are dropped (a JSON answer has no room for them). */
    public Uni<Reply> handle(Caller caller, JsonNode message, Exchange exchange) {
        return handle(caller, message, exchange, notification -> {});
    }

    /**
     * Handles {@code message}; {@code notify} gets each notification the handling produces (a
     * tool's progress and log lines) as it happens, before the reply, possibly on another thread.
     */
    public Uni<Reply> handle(Caller caller, JsonNode message, Exchange exchange, Consumer<ObjectNode> notify) {
        if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").asText())) {
            return Uni.createFrom()
                    .item(Reply.of(
                            rpc.error(message.get("id"), JsonRpc.INVALID_REQUEST, "not a JSON-RPC 2.0 message")));
        }
        if (!JsonRpc.isRequest(message)) {
            if (CANCELLED.equals(message.path("method").asText()) && exchange.session() != null) {
                return inFlight.cancel(
                                caller.subject(),
                                exchange.session(),
                                message.path("params").path("requestId"))
                        .replaceWith(Reply.of(null));
            }
            return Uni.createFrom().item(Reply.of(null));
        }
        Reply refused = preflight(message, exchange);
        if (refused != null) {
            return Uni.createFrom().item(refused);
        }
        JsonNode id = message.get("id");
        JsonNode params = message.path("params");
        String method = message.get("method").asText();
        String version = version(params, exchange);
        boolean stateless = STATELESS_VERSION.equals(version);
        FieldError unstorable = StorableText.firstRefusal(params, "params");
        if (unstorable != null) {
            return Uni.createFrom().item(Reply.of(refusal(id, method, unstorable)));
        }
        Uni<JsonNode> result;
        try {
            result = dispatch(caller, method, params, exchange, version, notify);
        } catch (RuntimeException failure) {
            result = Uni.createFrom().failure(failure);
        }
        if (result == null) {
            return Uni.createFrom()
                    .item(new Reply(
                            rpc.error(id, JsonRpc.METHOD_NOT_FOUND, "unknown method " + method),
                            stateless ? 404 : 200));
        }
        if (!stateless && exchange.session() != null && "tools/call".equals(method)) {
            // 2025-11-25: the client may cancel a tool call with notifications/cancelled (2026-07-28
            // closes the connection); the other methods answer at once.
            result = inFlight.tracked(caller.subject(), exchange.session(), id, result);
        }
        return result.map(value -> {
                    // A task handle says resultType "task" itself; everything else is complete.
                    if (stateless && value.isObject() && !value.has("resultType")) {
                        ((ObjectNode) value).put("resultType", "complete");
                    }
                    return Reply.of(rpc.result(id, value));
                })
                .onFailure()
                .recoverWithItem(failure -> failure instanceof InFlightRequests.Cancelled
                        // A cancelled request gets no response.
                        ? Reply.of(null)
                        : stateless
                                ? new Reply(statelessErrorFor(id, failure), statusOf(failure))
                                : Reply.of(errorFor(id, failure)));
    }

    /** 2026-07-28 on HTTP: a method not offered is a 404, a capability the client did not declare a 400. */
    private static int statusOf(Throwable failure) {
        if (failure instanceof NotOffered) {
            return 404;
        }
        return failure instanceof MissingCapability ? 400 : 200;
    }

    /**
     * What refuses a request before any method runs (null when nothing does): an
     * {@code MCP-Protocol-Version} header that disagrees with the request's {@code _meta} (-32020),
     * a protocol version this server does not speak (-32602 listing those it does), and, on
     * 2026-07-28, a request without its {@code _meta} envelope (protocol version and client
     * capabilities, -32602) or for a method that revision removed (-32601, 404). The transport asks
     * this before it starts a stream, so such a refusal is a plain JSON answer with its status.
     */
    public Reply preflight(JsonNode message, Exchange exchange) {
        if (!message.isObject() || !JsonRpc.isRequest(message)) {
            return null;
        }
        JsonNode id = message.get("id");
        JsonNode params = message.path("params");
        String method = message.path("method").asText();
        JsonNode metaVersion = params.path("_meta").path(META_PROTOCOL_VERSION);
        String header = exchange.protocolVersion() == null
                ? null
                : exchange.protocolVersion().trim();
        if (metaVersion.isTextual() && !metaVersion.asText().equals(header)) {
            return new Reply(
                    rpc.error(
                            id,
                            JsonRpc.HEADER_MISMATCH,
                            header == null
                                    ? "the request's _meta names protocol version " + metaVersion.asText() + " but the "
                                            + McpTransport.PROTOCOL_VERSION_HEADER + " header is missing"
                                    : McpTransport.PROTOCOL_VERSION_HEADER + " says '" + header
                                            + "' but the request's _meta says '" + metaVersion.asText() + "'"),
                    400);
        }
        String version = version(params, exchange);
        if (version != null
                && !PROTOCOL_VERSIONS.contains(version)
                && (header != null || !"initialize".equals(method))) {
            ObjectNode error = rpc.error(id, JsonRpc.INVALID_PARAMS, "unsupported protocol version " + version);
            ObjectNode data = ((ObjectNode) error.get("error")).putObject("data");
            data.putPOJO("supported", PROTOCOL_VERSIONS);
            data.put("requested", version);
            return new Reply(error, 400);
        }
        if (!STATELESS_VERSION.equals(version)) {
            return null;
        }
        JsonNode meta = params.path("_meta");
        String missing = !meta.isObject()
                ? "params._meta"
                : !meta.path(META_PROTOCOL_VERSION).isTextual()
                        ? "params._meta." + META_PROTOCOL_VERSION
                        : !meta.path(META_CLIENT_CAPABILITIES).isObject()
                                ? "params._meta." + META_CLIENT_CAPABILITIES
                                : null;
        if (missing != null) {
            FieldError field = new FieldError(
                    missing,
                    "is required on every " + STATELESS_VERSION + " request (the envelope names "
                            + META_PROTOCOL_VERSION + " and " + META_CLIENT_CAPABILITIES + ")");
            return new Reply(errorFor(id, new InvalidParams(missing + " " + field.reason(), List.of(field))), 400);
        }
        if (REMOVED_IN_STATELESS.contains(method)) {
            return new Reply(
                    rpc.error(
                            id,
                            JsonRpc.METHOD_NOT_FOUND,
                            method + " is not part of protocol version " + STATELESS_VERSION),
                    404);
        }
        return null;
    }

    /**
     * Params holding text or a number the suite cannot store: a tool error naming the argument for
     * a tool's arguments (SEP-1303: the model can fix them), else -32602 naming the field.
     */
    private ObjectNode refusal(JsonNode id, String method, FieldError refused) {
        String prefix = "params.arguments";
        if ("tools/call".equals(method) && refused.field().startsWith(prefix)) {
            FieldError argument =
                    new FieldError("arguments" + refused.field().substring(prefix.length()), refused.reason());
            return rpc.result(id, toolError(new InvalidParams("invalid arguments", List.of(argument))));
        }
        return errorFor(id, new InvalidParams(refused.field() + " " + refused.reason(), List.of(refused)));
    }

    private Uni<JsonNode> dispatch(
            Caller caller,
            String method,
            JsonNode params,
            Exchange exchange,
            String version,
            Consumer<ObjectNode> notify) {
        McpService service = service();
        return switch (method) {
            case "initialize" -> Uni.createFrom().item(initialize(params));
            case "server/discover" -> Uni.createFrom().item(discover());
            case "tasks/get" -> service.tasks() ? getTask(caller, params, version) : null;
            case "tasks/cancel" -> service.tasks() ? cancelTask(caller, params, version) : null;
            // The extension's way to answer a task's input requests; 2025-11-25 has no such method.
            case "tasks/update" ->
                service.tasks() && STATELESS_VERSION.equals(version) ? updateTask(caller, params, version) : null;
            // The 2026-07-28 extension has neither: the result comes with tasks/get, and tasks are not listed.
            case "tasks/result" ->
                service.tasks() && !STATELESS_VERSION.equals(version) ? taskResult(caller, params) : null;
            case "tasks/list" ->
                service.tasks() && !STATELESS_VERSION.equals(version) ? listTasks(caller, params) : null;
            case "ping" -> Uni.createFrom().item(json.createObjectNode());
            case "logging/setLevel" -> service.logging() ? setLevel(params, exchange) : null;
            case "completion/complete" -> service.completions() ? complete(caller, params) : null;
            case "tools/list" -> listTools(caller, params, version);
            // Answered by a stream: the transport routes it by its Mcp-Method header (McpListenRoute).
            case McpListenRoute.LISTEN ->
                Uni.createFrom()
                        .failure(new NotOffered(
                                McpListenRoute.LISTEN + " is answered as a stream: send it with the header "
                                        + McpTransport.METHOD_HEADER + ": " + McpListenRoute.LISTEN));
            case "tools/call" -> callTool(caller, params, exchange, version, notify);
            case "resources/list" -> service.resources() ? listResources(caller, params, version) : null;
            case "resources/templates/list" -> service.resources() ? resourceTemplates(version) : null;
            case "resources/read" -> service.resources() ? readResource(caller, params, version) : null;
            case "resources/subscribe" ->
                service.resourceSubscriptions() ? subscribe(caller, params, exchange, true) : null;
            case "resources/unsubscribe" ->
                service.resourceSubscriptions() ? subscribe(caller, params, exchange, false) : null;
            default -> null;
        };
    }

    /** The version a request speaks: its {@code _meta} (2026-07-28), else the header; null when neither says. */
    public static String version(JsonNode params, Exchange exchange) {
        JsonNode meta = params.path("_meta").path(META_PROTOCOL_VERSION);
        if (meta.isTextual()) {
            return meta.asText();
        }
        return exchange.protocolVersion() == null
                ? null
                : exchange.protocolVersion().trim();
    }

    public ObjectNode listChanged() {
        return rpc.notification("notifications/tools/list_changed");
    }

    public static final String META_SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

    /** {@code notifications/resources/updated} for the resources {@code session} subscribed to, for its GET stream. */
    public Multi<ObjectNode> resourceUpdates(Caller caller, String session) {
        if (session == null || !service().resourceSubscriptions()) {
            return Multi.createFrom().nothing();
        }
        return service().resourceUpdates(caller, subscriptions.of(session)).map(this::resourceUpdated);
    }

    public ObjectNode resourceUpdated(String uri) {
        ObjectNode notification = rpc.notification("notifications/resources/updated");
        notification.putObject("params").put("uri", uri);
        return notification;
    }

    /**
     * 2025-11-25 {@code resources/subscribe}: the resource must be one the caller may read now (as
     * resources/read decides); the session then hears of its changes on its GET stream.
     */
    private Uni<JsonNode> subscribe(Caller caller, JsonNode params, Exchange exchange, boolean subscribe) {
        if (!params.path("uri").isTextual()) {
            return Uni.createFrom().failure(new InvalidParams("params.uri must name a resource"));
        }
        if (exchange.session() == null) {
            return Uni.createFrom()
                    .failure(new InvalidParams("subscriptions belong to a session: send the "
                            + McpTransport.SESSION_HEADER + " that initialize gave"));
        }
        String uri = params.get("uri").asText();
        if (!subscribe) {
            subscriptions.unsubscribe(exchange.session(), uri);
            return Uni.createFrom().item(json.createObjectNode());
        }
        return service().readResource(caller, uri).map(readable -> {
            if (!subscriptions.subscribe(exchange.session(), uri)) {
                throw new InvalidParams("this session holds " + ResourceSubscriptions.MAX_PER_SESSION
                        + " subscriptions already; unsubscribe from some first");
            }
            return json.createObjectNode();
        });
    }

    /**
     * A 2026-07-28 {@code subscriptions/listen} stream: the acknowledgement first (the filter the
     * service honours), then the service's notifications, each tagged with the subscription id (the
     * listen request's id) so a client can tell its streams apart.
     */
    public Multi<ObjectNode> listen(Caller caller, JsonNode id, JsonNode params) {
        String subscription = id.isTextual() ? id.asText() : id.toString();
        ObjectNode requested = params.path("notifications").isObject()
                ? (ObjectNode) params.get("notifications")
                : json.createObjectNode();
        ObjectNode accepted = service().acceptSubscriptions(caller, requested);
        ObjectNode ack = rpc.notification("notifications/subscriptions/acknowledged");
        ack.putObject("params").set("notifications", accepted);
        return Multi.createBy()
                .concatenating()
                .streams(Multi.createFrom().item(ack), service().subscriptionNotifications(caller, accepted))
                .map(notification -> {
                    ObjectNode out = notification.deepCopy();
                    ObjectNode body =
                            out.path("params").isObject() ? (ObjectNode) out.get("params") : out.putObject("params");
                    ObjectNode meta =
                            body.path("_meta").isObject() ? (ObjectNode) body.get("_meta") : body.putObject("_meta");
                    meta.put(META_SUBSCRIPTION_ID, subscription);
                    return out;
                });
    }

    /** A tool result the model reads as a failure ({@code isError}), one text block. */
    public ObjectNode toolError(String text) {
        ObjectNode result = json.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", true);
        return result;
    }

    /**
     * Arguments that do not fit the tool's input schema, as a tool result (SEP-1303): the model reads
     * which fields to fix and tries again. An unknown tool stays a JSON-RPC -32602.
     */
    public ObjectNode toolError(InvalidParams invalid) {
        if (invalid.errors().isEmpty()) {
            return toolError(invalid.getMessage());
        }
        StringBuilder text = new StringBuilder("invalid arguments:");
        for (FieldError error : invalid.errors()) {
            text.append("\n- ").append(error.field()).append(": ").append(error.reason());
        }
        return toolError(text.toString());
    }

    /** A refusal as a tool result: the problem's detail and each field error on a line. */
    public ObjectNode toolError(ProblemException problem) {
        StringBuilder text = new StringBuilder(problem.getMessage());
        for (FieldError error : problem.errors()) {
            text.append("\n- ").append(error.field()).append(": ").append(error.reason());
        }
        return toolError(text.toString());
    }

    /** @param stateless whether for 2026-07-28 (server/discover), where tasks are an extension */
    private ObjectNode capabilities(boolean stateless) {
        McpService service = service();
        ObjectNode capabilities = json.createObjectNode();
        capabilities.putObject("tools").put("listChanged", service.toolsListChanged());
        if (service.tasks() && stateless) {
            capabilities.putObject("extensions").putObject(TASKS_EXTENSION);
        } else if (service.tasks()) {
            ObjectNode tasks = capabilities.putObject("tasks");
            tasks.putObject("list");
            tasks.putObject("cancel");
            tasks.putObject("requests").putObject("tools").putObject("call");
        }
        if (service.logging()) {
            capabilities.putObject("logging");
        }
        if (service.completions()) {
            capabilities.putObject("completions");
        }
        if (service.resources()) {
            capabilities
                    .putObject("resources")
                    .put("listChanged", false)
                    .put("subscribe", service.resourceSubscriptions());
        }
        return capabilities;
    }

    private JsonNode initialize(JsonNode params) {
        String requested = params.path("protocolVersion").asText("");
        // initialize belongs to the session-based versions; a client asking for anything else gets the latest of those.
        String version = PROTOCOL_VERSIONS.contains(requested) && !STATELESS_VERSION.equals(requested)
                ? requested
                : LATEST_SESSION_VERSION;
        ObjectNode result = json.createObjectNode().put("protocolVersion", version);
        result.set("capabilities", capabilities(false));
        result.set("serverInfo", serverInfo());
        result.put("instructions", service().instructions());
        return result;
    }

    private ObjectNode serverInfo() {
        McpService.ServerInfo info = service().serverInfo();
        return json.createObjectNode()
                .put("name", info.name())
                .put("title", info.title())
                .put("version", info.version());
    }

    private JsonNode discover() {
        ObjectNode result = json.createObjectNode();
        result.putPOJO("supportedVersions", PROTOCOL_VERSIONS);
        result.set("capabilities", capabilities(true));
        result.set("serverInfo", serverInfo());
        // Where 2026-07-28 clients look for the server's name and version (the result has no field of its own).
        result.putObject("_meta").set(SERVER_INFO_META_KEY, serverInfo());
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
        McpService service = service();
        // execution.taskSupport is 2025-11-25's per-tool negotiation; the 2026-07-28 extension has none.
        boolean taskSupport = service.tasks() && !STATELESS_VERSION.equals(version);
        return service.listTools(caller, cursor(params)).map(page -> {
            ObjectNode result = json.createObjectNode();
            ArrayNode tools = result.putArray("tools");
            for (ObjectNode tool : page.tools()) {
                if (!taskSupport) {
                    tool.remove("execution");
                }
                tools.add(tool);
            }
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

    private Uni<JsonNode> readResource(Caller caller, JsonNode params, String version) {
        if (!params.path("uri").isTextual()) {
            return Uni.createFrom().failure(new InvalidParams("params.uri must name a resource"));
        }
        return service().readResource(caller, params.get("uri").asText()).map(contents -> {
            ObjectNode result = json.createObjectNode();
            result.set("contents", contents);
            if (STATELESS_VERSION.equals(version)) {
                // 2026-07-28 requires cache hints on reads: contents change with every write and
                // what a caller sees depends on its token, so fresh for no time and never shared.
                result.put("ttlMs", 0L).put("cacheScope", "private");
            }
            return result;
        });
    }

    private Uni<JsonNode> callTool(
            Caller caller, JsonNode params, Exchange exchange, String version, Consumer<ObjectNode> notify) {
        if (!params.path("name").isTextual()) {
            return Uni.createFrom().failure(new InvalidParams("params.name must name a tool"));
        }
        JsonNode arguments = params.get("arguments");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            return Uni.createFrom().failure(new InvalidParams("params.arguments must be an object"));
        }
        McpService service = service();
        String name = params.get("name").asText();
        McpService.ToolCall call = new McpService.ToolCall(name, arguments, params, exchange, notify);
        if (!service.tasks()) {
            return service.callTool(caller, call);
        }
        return service.taskSupport(caller, name).chain(support -> callTool(caller, call, support, version));
    }

    /** {@code support}: the tool's {@code taskSupport}; null for a tool the caller does not know (the call fails so). */
    private Uni<JsonNode> callTool(Caller caller, McpService.ToolCall call, String support, String version) {
        McpService service = service();
        JsonNode params = call.params();
        String name = call.name();
        boolean stateless = STATELESS_VERSION.equals(version);
        if (support == null) {
            return service.callTool(caller, call);
        }
        // 2025-11-25: the client asks for a task with params.task, where the tool allows one.
        // 2026-07-28: the server decides, for clients that declared the extension on this request;
        // a legacy params.task is ignored there (it must not make a sync-only tool a task).
        boolean forbidden = FORBIDDEN.equals(support);
        boolean asTask = stateless
                ? !forbidden && declaresTasks(params)
                : params.path("task").isObject();
        if (asTask && forbidden) {
            return Uni.createFrom().failure(new NotOffered("tool " + name + " does not run as a task"));
        }
        if (!asTask && "required".equals(support)) {
            return Uni.createFrom()
                    .failure(
                            stateless
                                    ? new MissingCapability(TASKS_EXTENSION, "tool " + name + " runs only as a task")
                                    : new NotOffered("tool " + name + " must be called as a task (params.task)"));
        }
        if (!asTask) {
            return service.callTool(caller, call);
        }
        return service.startTask(caller, call).map(start -> {
            if (start.task() == null) {
                return (JsonNode) start.refusal();
            }
            if (stateless) {
                return (JsonNode) taskObject(start.task(), true).put("resultType", "task");
            }
            ObjectNode result = json.createObjectNode();
            result.set("task", taskObject(start.task(), false));
            result.putObject("_meta")
                    .put(
                            "io.modelcontextprotocol/model-immediate-response",
                            "The tool is running as task " + start.task().taskId()
                                    + "; its result comes when it ends.");
            return (JsonNode) result;
        });
    }

    /** The {@code taskSupport} of a tool that never runs as a task. */
    public static final String FORBIDDEN = "forbidden";

    private static boolean declaresTasks(JsonNode params) {
        return params.path("_meta")
                .path(META_CLIENT_CAPABILITIES)
                .path("extensions")
                .has(TASKS_EXTENSION);
    }

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    /**
     * A task in the negotiated shape. 2025-11-25: {@code ttl}, {@code pollInterval}, and a tool error
     * is a {@code failed} task. 2026-07-28: {@code ttlMs}, {@code pollIntervalMs}, the result inline
     * once done, and a tool error is a {@code completed} task whose result has {@code isError}
     * ({@code failed} is for JSON-RPC errors only, which a started call does not end in here).
     */
    private ObjectNode taskObject(McpTask task, boolean stateless) {
        ObjectNode out = json.createObjectNode().put("taskId", task.taskId());
        boolean toolError =
                task.result() != null && task.result().path("isError").asBoolean(false);
        out.put(
                "status",
                switch (task.state()) {
                    case WORKING -> "working";
                    case CANCELLED -> "cancelled";
                    case FAILED -> "failed";
                    case DONE -> toolError && !stateless ? "failed" : "completed";
                });
        if (task.statusMessage() != null) {
            out.put("statusMessage", task.statusMessage());
        }
        out.put("createdAt", TIMESTAMP.format(task.createdAt()));
        out.put("lastUpdatedAt", TIMESTAMP.format(task.lastUpdatedAt()));
        // Tasks are the service's records of the calls (kept, not expired): no time to live.
        out.putNull(stateless ? "ttlMs" : "ttl");
        if (!task.terminal()) {
            out.put(stateless ? "pollIntervalMs" : "pollInterval", TASK_POLL_MS);
        }
        if (stateless && task.state() == McpTask.State.DONE) {
            out.set("result", task.result());
        }
        // A protocol error has no result: the JSON-RPC error it ended in, inline (2025-11-25: tasks/result answers it).
        if (stateless && task.state() == McpTask.State.FAILED) {
            out.set("error", task.error());
        }
        return out;
    }

    private static String taskId(JsonNode params) {
        if (!params.path("taskId").isTextual()) {
            throw new InvalidParams("params.taskId must name a task");
        }
        return params.get("taskId").asText();
    }

    /** 2026-07-28: the task methods are the extension's, for clients that declared it on the request. */
    private static void requireTasksExtension(JsonNode params, String version, String method) {
        if (STATELESS_VERSION.equals(version) && !declaresTasks(params)) {
            throw new MissingCapability(
                    TASKS_EXTENSION,
                    method + " needs the " + TASKS_EXTENSION + " extension in the request's client capabilities");
        }
    }

    private Uni<JsonNode> getTask(Caller caller, JsonNode params, String version) {
        requireTasksExtension(params, version, "tasks/get");
        boolean stateless = STATELESS_VERSION.equals(version);
        return service().task(caller, taskId(params)).map(task -> taskObject(task, stateless));
    }

    private Uni<JsonNode> cancelTask(Caller caller, JsonNode params, String version) {
        requireTasksExtension(params, version, "tasks/cancel");
        boolean stateless = STATELESS_VERSION.equals(version);
        String id = taskId(params);
        return service().task(caller, id).chain(before -> {
            // 2025-11-25 refuses to cancel what has ended; the extension acknowledges any known task.
            if (before.terminal() && !stateless) {
                return Uni.createFrom()
                        .failure(new InvalidParams("Cannot cancel task: already in terminal status '"
                                + taskObject(before, false).get("status").asText() + "'"));
            }
            return service()
                    .cancelTask(caller, id)
                    .map(after -> stateless ? json.createObjectNode() : taskObject(after, false));
        });
    }

    /**
     * 2026-07-28 {@code tasks/update}: the client's answers to a task's input requests. The tasks
     * here never ask for input (a tool cannot put a question to the client while it runs), so there
     * is nothing an answer could resume: it is acknowledged and dropped, as answers to requests a
     * task did not make are. An unknown task is -32602, as for tasks/get.
     */
    private Uni<JsonNode> updateTask(Caller caller, JsonNode params, String version) {
        requireTasksExtension(params, version, "tasks/update");
        String id = taskId(params);
        if (params.has("inputResponses") && !params.get("inputResponses").isObject()) {
            throw new InvalidParams("params.inputResponses must be an object keyed by input request id");
        }
        return service().task(caller, id).map(task -> (JsonNode) json.createObjectNode());
    }

    /** 2025-11-25 {@code tasks/result}: waits for the task to end, then answers the call's result. */
    private Uni<JsonNode> taskResult(Caller caller, JsonNode params) {
        String id = taskId(params);
        long deadline = System.nanoTime() + TASK_RESULT_WAIT.toNanos();
        return awaitEnd(caller, id, deadline).map(task -> {
            if (task.state() == McpTask.State.FAILED) {
                throw new ProtocolError(task.error());
            }
            ObjectNode result = task.state() == McpTask.State.DONE
                    ? task.result().deepCopy()
                    : toolError("The task was cancelled before it ended.");
            ObjectNode meta =
                    result.path("_meta").isObject() ? (ObjectNode) result.get("_meta") : result.putObject("_meta");
            meta.putObject(META_RELATED_TASK).put("taskId", id);
            return result;
        });
    }

    private Uni<McpTask> awaitEnd(Caller caller, String id, long deadline) {
        return service().task(caller, id).chain(task -> {
            if (task.terminal()) {
                return Uni.createFrom().item(task);
            }
            if (System.nanoTime() > deadline) {
                return Uni.createFrom().failure(new IllegalStateException("task " + id + " is still working"));
            }
            // A Vert.x timer keeps the wait on the request's context (the reactive database session needs it).
            return Uni.createFrom()
                    .<Long>emitter(emitter -> vertx.setTimer(TASK_POLL_MS, emitter::complete))
                    .chain(() -> awaitEnd(caller, id, deadline));
        });
    }

    private Uni<JsonNode> listTasks(Caller caller, JsonNode params) {
        return service().listTasks(caller, cursor(params)).map(page -> {
            ObjectNode result = json.createObjectNode();
            ArrayNode tasks = result.putArray("tasks");
            page.tasks().forEach(task -> tasks.add(taskObject(task, false)));
            if (page.nextCursor() != null) {
                result.put("nextCursor", page.nextCursor());
            }
            return result;
        });
    }

    /** 2026-07-28 (SEP-2164): a resource that is not found is invalid params, still naming the uri. */
    private ObjectNode statelessErrorFor(JsonNode id, Throwable failure) {
        ObjectNode error = errorFor(id, failure);
        if (failure instanceof ResourceNotFound) {
            ((ObjectNode) error.get("error")).put("code", JsonRpc.INVALID_PARAMS);
        }
        return error;
    }

    private ObjectNode errorFor(JsonNode id, Throwable failure) {
        if (failure instanceof InvalidParams invalid) {
            ObjectNode error = rpc.error(id, JsonRpc.INVALID_PARAMS, invalid.getMessage());
            if (!invalid.errors().isEmpty()) {
                ((ObjectNode) error.get("error")).putObject("data").putPOJO("errors", invalid.errors());
            }
            return error;
        }
        if (failure instanceof MissingCapability missing) {
            ObjectNode error = rpc.error(id, JsonRpc.MISSING_CLIENT_CAPABILITY, missing.getMessage());
            ((ObjectNode) error.get("error"))
                    .putObject("data")
                    .putObject("requiredCapabilities")
                    .putObject("extensions")
                    .putObject(missing.extension);
            return error;
        }
        if (failure instanceof NotOffered notOffered) {
            return rpc.error(id, JsonRpc.METHOD_NOT_FOUND, notOffered.getMessage());
        }
        if (failure instanceof ResourceNotFound missing) {
            ObjectNode error = rpc.error(
                    id, missing.foreign ? JsonRpc.INVALID_PARAMS : JsonRpc.RESOURCE_NOT_FOUND, missing.getMessage());
            ((ObjectNode) error.get("error")).putObject("data").put("uri", missing.uri());
            return error;
        }
        if (failure instanceof ProtocolError protocol) {
            ObjectNode error = rpc.error(id, JsonRpc.INTERNAL_ERROR, protocol.getMessage());
            error.set("error", protocol.error().deepCopy());
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
