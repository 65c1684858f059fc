package ai.prometheus.registry.mcp;

import ai.prometheus.shared.platform.mcp.McpHttpRoutes;
import ai.prometheus.shared.platform.mcp.McpTransport;
import ai.prometheus.shared.platform.security.CurrentCaller;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The MCP Streamable HTTP transport at {@code /mcp} (the shared {@link McpTransport} does the
 * protocol): JSON-RPC over POST, a server-sent event stream over GET for
 * {@code notifications/tools/list_changed}, and DELETE to end a session. Every request needs the
 * same bearer token as the REST API.
 */
@Path("/mcp")
@Tag(name = "mcp")
public class McpResource extends McpHttpRoutes {

    private final RegistryMcp mcp;

    public McpResource(McpTransport transport, RegistryMcp mcp, CurrentCaller caller) {
        super(transport, caller);
        this.mcp = mcp;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(operationId = "mcpListen", summary = "Server-sent MCP notifications: notifications/tools/list_changed")
    public Multi<String> notifications() {
        return mcp.listChangedFor(caller.get()).map(ObjectNode::toString);
    }
}
