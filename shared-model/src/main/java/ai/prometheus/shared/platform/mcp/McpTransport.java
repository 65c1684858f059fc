package ai.prometheus.shared.platform.mcp;

import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The MCP Streamable HTTP transport behind a service's {@code /mcp} resource (which only declares
 * the routes, see {@link McpEndpoint}): a POST's body, one JSON-RPC message or a batch, answered
 * as JSON, or as a server-sent event stream when the client accepts one and the call produced
 * notifications to send first.
 *
 * <p>Sessions carry no server state (what a caller may do comes from its token on each request),
 * so any replica can serve any request of a session: the session id is handed out on
 * {@code initialize} for clients that expect one, and not required afterwards.
 */
@ApplicationScoped
public class McpTransport {

    public static final String SESSION_HEADER = "Mcp-Session-Id";
    public static final String PROTOCOL_VERSION_HEADER = "MCP-Protocol-Version";
    public static final String METHOD_HEADER = "Mcp-Method";
    public static final String NAME_HEADER = "Mcp-Name";
    /** How long a client waits before reconnecting a stream, as the priming event tells it. */
    private static final int RETRY_MS = 1_000;
    /** The last protocol version with JSON-RPC batching (2025-06-18 removed it). */
    private static final String LAST_VERSION_WITH_BATCHES = "2025-03-26";

    private final McpServer server;
    private final ObjectMapper json;

    public McpTransport(McpServer server, ObjectMapper json) {
        this.server = server;
        this.json = json;
    }

    /** The headers of a POST that the transport reads; any may be null. */
    public record Headers(String protocolVersion, String session, String accept, String method, String name) {}

    /**
     * The answer to a POST: its status, headers (the content type among them) and body, which for
     * a streamed tool call goes on while the tool runs.
     */
    public record Answer(int status, Map<String, List<String>> headers, Multi<String> body) {

        static Answer json(int status, JsonNode body, String session) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put(HttpHeaders.CONTENT_TYPE, List.of(MediaType.APPLICATION_JSON));
            if (session != null) {
                headers.put(SESSION_HEADER, List.of(session));
            }
            return new Answer(status, headers, Multi.createFrom().item(body.toString()));
        }

        static Answer accepted() {
            return new Answer(202, Map.of(), Multi.createFrom().empty());
        }

        static Answer events(Multi<String> events) {
            return new Answer(
                    200,
                    Map.of(
                            HttpHeaders.CONTENT_TYPE,
                            List.of(MediaType.SERVER_SENT_EVENTS),
                            "Cache-Control",
                            List.of("no-cache")),
                    events);
        }
    }

    public Uni<Answer> post(Caller me, String body, Headers headers) {
        JsonNode message;
        try {
            message = json.readTree(body);
        } catch (JsonProcessingException e) {
            return Uni.createFrom()
                    .item(Answer.json(
                            200, new JsonRpc(json).error(null, JsonRpc.PARSE_ERROR, "the body is not JSON"), null));
        }
        if (message == null) {
            throw new ProblemException(ProblemType.VALIDATION, "the body must be a JSON-RPC message");
        }
        String protocolVersion = headers.protocolVersion();
        boolean initialize = "initialize".equals(message.path("method").asText());
        if (message.isArray() && protocolVersion != null && protocolVersion.compareTo(LAST_VERSION_WITH_BATCHES) > 0) {
            // Protocol versions after 2025-03-26 send one message per request: a batch is refused as such.
            return Uni.createFrom()
                    .item(badRequest(
                            JsonRpc.INVALID_REQUEST,
                            "protocol version " + protocolVersion
                                    + " has no JSON-RPC batches; send one message per request"));
        }
        boolean stateless = protocolVersion != null && McpServer.STATELESS_VERSION.equals(protocolVersion.trim());
        String mismatch = routingHeaderMismatch(message, headers.method(), headers.name(), stateless);
        if (mismatch != null) {
            return Uni.createFrom()
                    .item(Answer.json(
                            400, new JsonRpc(json).error(message.get("id"), JsonRpc.HEADER_MISMATCH, mismatch), null));
        }
        McpServer.Exchange exchange = new McpServer.Exchange(headers.session(), protocolVersion);
        if (message.isArray()) {
            return batch(me, (ArrayNode) message, exchange)
                    .map(response -> response == null ? Answer.accepted() : Answer.json(200, response, null));
        }
        boolean streams = headers.accept() != null
                && headers.accept().contains(MediaType.SERVER_SENT_EVENTS)
                && "tools/call".equals(message.path("method").asText())
                && JsonRpc.isRequest(message);
        if (streams) {
            // A refusal comes before the stream would start, as a plain answer with its own status.
            McpServer.Reply refused = server.preflight(message, exchange);
            return Uni.createFrom()
                    .item(
                            refused != null
                                    ? Answer.json(refused.status(), refused.response(), null)
                                    : Answer.events(eventStream(me, message, exchange)));
        }
        return server.handle(me, message, exchange).map(reply -> {
            if (reply.response() == null) {
                return Answer.accepted();
            }
            boolean opensSession = initialize && reply.response().has("result");
            return Answer.json(
                    reply.status(),
                    reply.response(),
                    opensSession ? UUID.randomUUID().toString() : null);
        });
    }

    /**
     * A {@code subscriptions/listen} POST (see {@link McpListenRoute}): the notifications as
     * server-sent events, until the client closes the stream. A body that is not such a request is
     * a 400 before any stream starts.
     */
    public Multi<String> listen(Caller me, String body) {
        JsonNode message;
        try {
            message = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ProblemException.invalidField("body", "is not JSON");
        }
        if (message == null
                || !message.isObject()
                || !JsonRpc.isRequest(message)
                || !McpListenRoute.LISTEN.equals(message.path("method").asText())) {
            throw ProblemException.invalidField(
                    "body", "must be a JSON-RPC " + McpListenRoute.LISTEN + " request, as " + METHOD_HEADER + " says");
        }
        return server.listen(me, message.get("id"), message.path("params")).map(ObjectNode::toString);
    }

    /**
     * DELETE /mcp: sessions hold no server state to drop (any replica serves any request of a
     * session), so there is nothing to end; the specification lets a server answer 405 to say so.
     */
    public Response endSession() {
        return Response.status(Response.Status.METHOD_NOT_ALLOWED)
                .header(HttpHeaders.ALLOW, "GET, POST")
                .build();
    }

    /**
     * A tool call answered as a server-sent event stream: a priming event (an id and no data, so a
     * client could resume), then each notification the run produces as it produces it (progress,
     * log lines), then the response. Closing the stream cancels the call, as closing the
     * connection of a plain answer does.
     */
    private Multi<String> eventStream(Caller me, JsonNode message, McpServer.Exchange exchange) {
        String stream = UUID.randomUUID().toString();
        AtomicInteger sequence = new AtomicInteger();
        return Multi.createFrom()
                .emitter(
                        emitter -> {
                            emitter.emit("id: " + stream + "-" + sequence.getAndIncrement() + "\nretry: " + RETRY_MS
                                    + "\ndata: \n\n");
                            Cancellable call = server.handle(
                                            me,
                                            message,
                                            exchange,
                                            notification -> emitter.emit(event(stream, sequence, notification)))
                                    .subscribe()
                                    .with(
                                            reply -> {
                                                // None for a request its client cancelled.
                                                if (reply.response() != null) {
                                                    emitter.emit(event(stream, sequence, reply.response()));
                                                }
                                                emitter.complete();
                                            },
                                            emitter::fail);
                            // A client that closes the stream cancels the call (a tool's run stops with it).
                            emitter.onTermination(() -> {
                                if (emitter.isCancelled()) {
                                    call.cancel();
                                }
                            });
                        },
                        BackPressureStrategy.BUFFER);
    }

    /** One event; the emitter serialises concurrent emits, and the id is taken in the order they are written. */
    private static String event(String stream, AtomicInteger sequence, ObjectNode data) {
        return "id: " + stream + "-" + sequence.getAndIncrement() + "\ndata: " + data + "\n\n";
    }

    /**
     * The methods whose 2026-07-28 requests name their target in {@code Mcp-Name}: a tool, resource
     * or prompt, and (the tasks extension) the task of {@code tasks/get}, {@code tasks/update} and
     * {@code tasks/cancel}.
     */
    private static final Set<String> NAMED_METHODS =
            Set.of("tools/call", "resources/read", "prompts/get", "tasks/get", "tasks/update", "tasks/cancel");

    /**
     * 2026-07-28 routing headers: a client names the method (and the tool, resource or prompt) in
     * headers so that proxies can route without reading the body; they must say what the body says,
     * or a proxy that routed on them was misled. On that revision they are required; before it, they
     * are checked when sent.
     */
    static String routingHeaderMismatch(JsonNode message, String methodHeader, String nameHeader, boolean required) {
        if (!message.isObject() || !message.hasNonNull("method")) {
            return null;
        }
        String method = message.path("method").asText(null);
        if (methodHeader == null && required) {
            return METHOD_HEADER + " is required on protocol version " + McpServer.STATELESS_VERSION
                    + "; the body's method is '" + method + "'";
        }
        if (methodHeader != null && !methodHeader.equals(method)) {
            return METHOD_HEADER + " says '" + methodHeader + "' but the body's method is '" + method + "'";
        }
        JsonNode params = message.path("params");
        String name = params.path("name").isTextual()
                ? params.get("name").asText()
                : method.startsWith("tasks/")
                        ? params.path("taskId").asText(null)
                        : params.path("uri").asText(null);
        if (nameHeader == null && required && NAMED_METHODS.contains(method) && name != null) {
            return NAME_HEADER + " is required on protocol version " + McpServer.STATELESS_VERSION + " for " + method
                    + "; the body names '" + name + "'";
        }
        if (nameHeader != null && !nameHeader.equals(name)) {
            return NAME_HEADER + " says '" + nameHeader + "' but the body names '" + name + "'";
        }
        return null;
    }

    private Answer badRequest(int code, String message) {
        return Answer.json(400, new JsonRpc(json).error(null, code, message), null);
    }

    /**
     * A batch (protocol 2025-03-26 and before), answered one message after the other: the messages
     * share one request's database session, which must not be used by two at once.
     */
    private Uni<JsonNode> batch(Caller me, ArrayNode messages, McpServer.Exchange exchange) {
        if (messages.isEmpty()) {
            return Uni.createFrom().item(new JsonRpc(json).error(null, JsonRpc.INVALID_REQUEST, "empty batch"));
        }
        List<JsonNode> items = new ArrayList<>();
        messages.forEach(items::add);
        return Multi.createFrom()
                .iterable(items)
                .onItem()
                .transformToUniAndConcatenate(
                        message -> server.handle(me, message, exchange).map(McpServer.Reply::response))
                .collect()
                .asList()
                .map(results -> {
                    ArrayNode array = json.createArrayNode();
                    results.stream().filter(r -> r != null).forEach(array::add);
                    return array.isEmpty() ? null : array;
                });
    }
}
