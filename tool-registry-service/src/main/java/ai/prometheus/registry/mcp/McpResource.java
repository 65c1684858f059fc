package ai.prometheus.registry.mcp;

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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    /** The last protocol version with JSON-RPC batching (2025-06-18 removed it). */
    private static final String LAST_VERSION_WITH_BATCHES = "2025-03-26";

    private final McpServer server;
    private final ToolChanges changes;
    private final CurrentCaller caller;
    private final ObjectMapper json;

    public McpResource(McpServer server, ToolChanges changes, CurrentCaller caller, ObjectMapper json) {
        this.server = server;
        this.changes = changes;
        this.caller = caller;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "mcpPost", summary = "MCP JSON-RPC messages (initialize, ping, tools/list, tools/call)")
    public Uni<Response> post(String body, @HeaderParam(McpTransportGuard.PROTOCOL_VERSION_HEADER) String protocolVersion) {
        JsonNode message;
        try {
            message = json.readTree(body);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().item(Response.ok(new JsonRpc(json).error(null, JsonRpc.PARSE_ERROR,
                    "the body is not JSON")).build());
        }
        if (message == null) {
            throw new ProblemException(ProblemType.VALIDATION, "the body must be a JSON-RPC message");
        }
        Caller me = caller.get();
        boolean initialize = "initialize".equals(message.path("method").asText());
        if (message.isArray() && protocolVersion != null && protocolVersion.compareTo(LAST_VERSION_WITH_BATCHES) > 0) {
            // Protocol versions after 2025-03-26 send one message per request: a batch is refused as such.
            return Uni.createFrom().item(Response.status(Response.Status.BAD_REQUEST).entity(new JsonRpc(json).error(null,
                    JsonRpc.INVALID_REQUEST, "protocol version " + protocolVersion + " has no JSON-RPC batches;"
                            + " send one message per request")).type(MediaType.APPLICATION_JSON_TYPE).build());
        }
        Uni<JsonNode> answer = message.isArray() ? batch(me, (ArrayNode) message) : server.handle(me, message).map(n -> n);
        return answer.map(response -> {
            if (response == null) {
                return Response.accepted().build();
            }
            Response.ResponseBuilder ok = Response.ok(response, MediaType.APPLICATION_JSON_TYPE);
            if (initialize) {
                ok.header(SESSION_HEADER, UUID.randomUUID().toString());
            }
            return ok.build();
        });
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(operationId = "mcpListen", summary = "Server-sent MCP notifications: notifications/tools/list_changed")
    public Multi<String> notifications() {
        String listChanged = server.listChanged().toString();
        // Bursts of changes (a bulk registration) become one notification: clients re-list anyway.
        return changes.stream()
                .group().intoLists().every(Duration.ofMillis(250))
                .filter(batch -> !batch.isEmpty())
                .map(batch -> listChanged);
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
    private Uni<JsonNode> batch(Caller me, ArrayNode messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().item(new JsonRpc(json).error(null, JsonRpc.INVALID_REQUEST, "empty batch"));
        }
        List<JsonNode> items = new ArrayList<>();
        messages.forEach(items::add);
        return Multi.createFrom().iterable(items)
                .onItem().transformToUniAndConcatenate(message -> server.handle(me, message))
                .collect().asList()
                .map(results -> {
                    ArrayNode array = json.createArrayNode();
                    results.stream().filter(r -> r != null).forEach(array::add);
                    return array.isEmpty() ? null : array;
                });
    }
}
