package ai.prometheus.registry.mcp;

import ai.prometheus.registry.discovery.Discovery;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.CurrentCaller;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The MCP Streamable HTTP transport at {@code /mcp}: JSON-RPC over POST (answered as JSON), a
 * server-sent event stream over GET for {@code notifications/tools/list_changed}, and DELETE to
 * end a session. Every request needs the same bearer token as the REST API.
 *
 * <p>Sessions carry no server state here (what a caller may do comes from its token on each
 * request), so any replica can serve any request of a session: the session id is handed out on
 * {@code initialize} for clients that expect one, and not required afterwards.
 */
@Path("/mcp")
@Tag(name = "mcp")
public class McpResource {

    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String METHOD_HEADER = "Mcp-Method";
    static final String NAME_HEADER = "Mcp-Name";
    /** How long a client waits before reconnecting a stream, as the priming event tells it. */
    private static final int RETRY_MS = 1_000;
    /** The last protocol version with JSON-RPC batching (2025-06-18 removed it). */
    private static final String LAST_VERSION_WITH_BATCHES = "2025-03-26";

    private final McpServer server;
    private final ToolChanges changes;
    private final Discovery discovery;
    private final CurrentCaller caller;
    private final ObjectMapper json;

    public McpResource(McpServer server, ToolChanges changes, Discovery discovery, CurrentCaller caller, ObjectMapper json) {
        this.server = server;
        this.changes = changes;
        this.discovery = discovery;
        this.caller = caller;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(operationId = "mcpPost", summary = "MCP JSON-RPC messages (initialize, server/discover, ping, tools/list, tools/call, ...)")
    public Uni<Response> post(String body, @HeaderParam(McpTransportGuard.PROTOCOL_VERSION_HEADER) String protocolVersion,
            @HeaderParam(SESSION_HEADER) String session, @HeaderParam(HttpHeaders.ACCEPT) String accept,
            @HeaderParam(METHOD_HEADER) String methodHeader, @HeaderParam(NAME_HEADER) String nameHeader) {
        JsonNode message;
        try {
            message = json.readTree(body);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().item(Response.ok(new JsonRpc(json).error(null, JsonRpc.PARSE_ERROR,
                    "the body is not JSON")).type(MediaType.APPLICATION_JSON_TYPE).build());
        }
        if (message == null) {
            throw new ProblemException(ProblemType.VALIDATION, "the body must be a JSON-RPC message");
        }
        Caller me = caller.get();
        boolean initialize = "initialize".equals(message.path("method").asText());
        if (message.isArray() && protocolVersion != null && protocolVersion.compareTo(LAST_VERSION_WITH_BATCHES) > 0) {
            // Protocol versions after 2025-03-26 send one message per request: a batch is refused as such.
            return Uni.createFrom().item(badRequest(JsonRpc.INVALID_REQUEST, "protocol version " + protocolVersion
                    + " has no JSON-RPC batches; send one message per request"));
        }
        String mismatch = routingHeaderMismatch(message, methodHeader, nameHeader);
        if (mismatch != null) {
            return Uni.createFrom().item(badRequest(JsonRpc.INVALID_REQUEST, mismatch));
        }
        McpServer.Exchange exchange = new McpServer.Exchange(session, protocolVersion);
        if (message.isArray()) {
            return batch(me, (ArrayNode) message, exchange).map(response -> response == null ? Response.accepted().build()
                    : Response.ok(response, MediaType.APPLICATION_JSON_TYPE).build());
        }
        boolean streams = accept != null && accept.contains(MediaType.SERVER_SENT_EVENTS)
                && "tools/call".equals(message.path("method").asText());
        return server.handle(me, message, exchange).map(reply -> {
            if (reply.response() == null) {
                return Response.accepted().build();
            }
            Response.ResponseBuilder ok = streams
                    ? Response.ok(eventStream(reply), MediaType.SERVER_SENT_EVENTS_TYPE)
                    : Response.ok(reply.response(), MediaType.APPLICATION_JSON_TYPE);
            if (initialize) {
                ok.header(SESSION_HEADER, UUID.randomUUID().toString());
            }
            return ok.build();
        });
    }

    /**
     * A tool call answered as a server-sent event stream: a priming event (an id and no data, so a
     * client could resume), then the notifications the run produced, then the response. The run has
     * ended when this is written: the events arrive together, in order, before the result.
     */
    private String eventStream(McpServer.Reply reply) {
        String stream = UUID.randomUUID().toString();
        StringBuilder events = new StringBuilder();
        events.append("id: ").append(stream).append("-0\nretry: ").append(RETRY_MS).append("\ndata: \n\n");
        int sequence = 1;
        for (ObjectNode notification : reply.notifications()) {
            events.append("id: ").append(stream).append('-').append(sequence++).append("\ndata: ")
                    .append(notification).append("\n\n");
        }
        events.append("id: ").append(stream).append('-').append(sequence).append("\ndata: ")
                .append(reply.response()).append("\n\n");
        return events.toString();
    }

    /**
     * 2026-07-28 routing headers: when a client names the method (and the tool) in headers, they must
     * say what the body says, or a proxy that routed on them was misled.
     */
    static String routingHeaderMismatch(JsonNode message, String methodHeader, String nameHeader) {
        if (!message.isObject()) {
            return null;
        }
        String method = message.path("method").asText(null);
        if (methodHeader != null && !methodHeader.equals(method)) {
            return METHOD_HEADER + " says '" + methodHeader + "' but the body's method is '" + method + "'";
        }
        if (nameHeader != null) {
            JsonNode params = message.path("params");
            String name = params.path("name").isTextual() ? params.get("name").asText() : params.path("uri").asText(null);
            if (!nameHeader.equals(name)) {
                return NAME_HEADER + " says '" + nameHeader + "' but the body names '" + name + "'";
            }
        }
        return null;
    }

    private Response badRequest(int code, String message) {
        return Response.status(Response.Status.BAD_REQUEST).entity(new JsonRpc(json).error(null, code, message))
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(operationId = "mcpListen", summary = "Server-sent MCP notifications: notifications/tools/list_changed")
    public Multi<String> notifications() {
        Caller me = caller.get();
        String listChanged = server.listChanged().toString();
        // Bursts of changes (a bulk registration) become one notification: clients re-list anyway.
        // Only a session whose token may call one of the changed tools hears of it: the others'
        // lists did not change, and tool names they may not see must not reach them.
        return changes.stream()
                .group().intoLists().every(Duration.ofMillis(250))
                .filter(batch -> !batch.isEmpty())
                .onItem().transformToUniAndConcatenate(names -> discovery.mayInvokeAny(me, Set.copyOf(names))
                        .onFailure().recoverWithItem(true))
                .filter(Boolean::booleanValue)
                .map(concerned -> listChanged);
    }

    @DELETE
    @Operation(operationId = "mcpEndSession", summary = "End an MCP session")
    public Response delete() {
        return Response.noContent().build();
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
        return Multi.createFrom().iterable(items)
                .onItem().transformToUniAndConcatenate(message -> server.handle(me, message, exchange).map(McpServer.Reply::response))
                .collect().asList()
                .map(results -> {
                    ArrayNode array = json.createArrayNode();
                    results.stream().filter(r -> r != null).forEach(array::add);
                    return array.isEmpty() ? null : array;
                });
    }
}
