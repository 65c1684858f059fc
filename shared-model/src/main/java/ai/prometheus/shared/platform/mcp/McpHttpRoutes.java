package ai.prometheus.shared.platform.mcp;

import ai.prometheus.shared.platform.security.CurrentCaller;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The routes every service's {@code /mcp} resource shares (Streamable HTTP): JSON-RPC messages over
 * POST, DELETE to end a session and the 2026-07-28 {@code subscriptions/listen} stream, all handed to
 * the shared {@link McpTransport} (what a listen stream carries is the service's
 * {@link McpService#subscriptionNotifications}). A service's resource extends this with
 * {@code @Path("/mcp")} and adds its own GET stream, which says what that service notifies about.
 */
public abstract class McpHttpRoutes implements McpEndpoint {

    protected final McpTransport transport;
    protected final CurrentCaller caller;

    protected McpHttpRoutes(McpTransport transport, CurrentCaller caller) {
        this.transport = transport;
        this.caller = caller;
    }

    /**
     * The answer's type is decided per message (JSON, or for a tool call from a client that accepts
     * them, server-sent events that go on while the tool runs). So no {@code @Produces}, and buffers
     * (for which the REST layer assumes no type): the answer is written as a plain stream whose
     * status and headers (the content type among them) come with its first chunk, and a failure
     * before that is answered as problem details.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "mcpPost",
            summary = "MCP JSON-RPC messages (initialize, server/discover, ping, tools/list, tools/call, ...)",
            description = "Answered as application/json, or, for tools/call from a client that accepts"
                    + " text/event-stream, as server-sent events: the tool's notifications/progress and"
                    + " notifications/message while it runs, then the response.")
    @APIResponse(
            responseCode = "200",
            description = "The JSON-RPC response, or the event stream of a tool call",
            content = {
                @Content(mediaType = MediaType.APPLICATION_JSON),
                @Content(mediaType = MediaType.SERVER_SENT_EVENTS)
            })
    @APIResponse(responseCode = "202", description = "A notification or response was accepted")
    @APIResponse(
            responseCode = "400",
            description = "A batch or routing header the negotiated version refuses",
            content = @Content(mediaType = MediaType.APPLICATION_JSON))
    public RestMulti<Buffer> post(
            String body,
            @HeaderParam(McpTransport.PROTOCOL_VERSION_HEADER) String protocolVersion,
            @HeaderParam(McpTransport.SESSION_HEADER) String session,
            @HeaderParam(HttpHeaders.ACCEPT) String accept,
            @HeaderParam(McpTransport.METHOD_HEADER) String methodHeader,
            @HeaderParam(McpTransport.NAME_HEADER) String nameHeader) {
        return RestMulti.fromUniResponse(
                transport.post(
                        caller.get(),
                        body,
                        new McpTransport.Headers(protocolVersion, session, accept, methodHeader, nameHeader)),
                answer -> answer.body().map(Buffer::buffer),
                McpTransport.Answer::headers,
                McpTransport.Answer::status);
    }

    @DELETE
    @Operation(operationId = "mcpEndSession", summary = "End an MCP session")
    public Response delete() {
        return transport.endSession();
    }

    /** 2026-07-28: a POST /mcp with {@code Mcp-Method: subscriptions/listen} arrives here (McpListenRoute). */
    @POST
    @Path("/subscriptions/listen")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(
            operationId = "mcpSubscriptionsListen",
            summary = "MCP subscriptions/listen (2026-07-28): an acknowledgement, then the notifications"
                    + " the acknowledged filter asks for (those GET /mcp describes), as server-sent events;"
                    + " POST /mcp with the header Mcp-Method: subscriptions/listen is routed here")
    public Multi<String> listen(String body) {
        return transport.listen(caller.get(), body);
    }
}
