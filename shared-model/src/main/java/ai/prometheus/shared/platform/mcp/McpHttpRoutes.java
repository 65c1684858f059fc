package ai.prometheus.shared.platform.mcp;

import ai.prometheus.shared.platform.security.CurrentCaller;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The routes every service's {@code /mcp} resource shares (Streamable HTTP): JSON-RPC messages over
 * POST and DELETE to end a session, both handed to the shared {@link McpTransport}. A service's
 * resource extends this with {@code @Path("/mcp")} and adds its own GET and
 * {@code subscriptions/listen} streams, which say what that service notifies about.
 */
public abstract class McpHttpRoutes implements McpEndpoint {

    protected final McpTransport transport;
    protected final CurrentCaller caller;

    protected McpHttpRoutes(McpTransport transport, CurrentCaller caller) {
        this.transport = transport;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(
            operationId = "mcpPost",
            summary = "MCP JSON-RPC messages (initialize, server/discover, ping, tools/list, tools/call, ...)")
    public Uni<Response> post(
            String body,
            @HeaderParam(McpTransport.PROTOCOL_VERSION_HEADER) String protocolVersion,
            @HeaderParam(McpTransport.SESSION_HEADER) String session,
            @HeaderParam(HttpHeaders.ACCEPT) String accept,
            @HeaderParam(McpTransport.METHOD_HEADER) String methodHeader,
            @HeaderParam(McpTransport.NAME_HEADER) String nameHeader) {
        return transport.post(
                caller.get(),
                body,
                new McpTransport.Headers(protocolVersion, session, accept, methodHeader, nameHeader));
    }

    @DELETE
    @Operation(operationId = "mcpEndSession", summary = "End an MCP session")
    public Response delete() {
        return transport.endSession();
    }
}
