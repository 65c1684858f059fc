package ai.prometheus.memory.mcp;

import ai.prometheus.shared.mcp.McpEndpoint;
import ai.prometheus.shared.mcp.McpTransport;
import ai.prometheus.shared.security.CurrentCaller;
import io.smallrye.mutiny.Uni;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The memory guild's MCP endpoint (Streamable HTTP; the shared {@link McpTransport} does the
 * protocol, {@link MemoryMcp} the tools). There is no GET stream: the tool set never changes,
 * so there is nothing to announce, and GET answers 405 as the transport allows.
 */
@Path("/mcp")
@Tag(name = "mcp")
public class McpResource implements McpEndpoint {

    private final McpTransport transport;
    private final CurrentCaller caller;

    public McpResource(McpTransport transport, CurrentCaller caller) {
        this.transport = transport;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(operationId = "mcpPost", summary = "MCP JSON-RPC messages (initialize, server/discover, ping, tools/list, tools/call, ...)")
    public Uni<Response> post(String body, @HeaderParam(McpTransport.PROTOCOL_VERSION_HEADER) String protocolVersion,
            @HeaderParam(McpTransport.SESSION_HEADER) String session, @HeaderParam(HttpHeaders.ACCEPT) String accept,
            @HeaderParam(McpTransport.METHOD_HEADER) String methodHeader, @HeaderParam(McpTransport.NAME_HEADER) String nameHeader) {
        return transport.post(caller.get(), body,
                new McpTransport.Headers(protocolVersion, session, accept, methodHeader, nameHeader));
    }

    @DELETE
    @Operation(operationId = "mcpEndSession", summary = "End an MCP session")
    public Response delete() {
        return transport.endSession();
    }
}
