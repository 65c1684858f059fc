package ai.prometheus.memory.mcp;

import ai.prometheus.shared.platform.mcp.McpHttpRoutes;
import ai.prometheus.shared.platform.mcp.McpServer;
import ai.prometheus.shared.platform.mcp.McpTransport;
import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The memory guild's MCP endpoint (Streamable HTTP; the shared {@link McpTransport} does the
 * protocol, {@link MemoryMcp} the tools). The GET stream of a session carries
 * {@code notifications/resources/updated} for the resources it subscribed to; a 2026-07-28 client
 * opens a {@code subscriptions/listen} stream instead. The tool set never changes.
 */
@Path("/mcp")
@Tag(name = "mcp")
public class McpResource extends McpHttpRoutes {

    private final McpServer server;

    public McpResource(McpTransport transport, McpServer server, CurrentCaller caller) {
        super(transport, caller);
        this.server = server;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(
            operationId = "mcpListen",
            summary = "Server-sent MCP notifications: notifications/resources/updated for"
                    + " the resources the session (Mcp-Session-Id) subscribed to")
    public Multi<String> notifications(
            @HeaderParam(McpTransport.SESSION_HEADER) String session,
            @HeaderParam("Last-Event-ID") String lastEventId) {
        if (lastEventId != null) {
            // A client resuming a POST's stream: those are not kept, so there is nothing to resume (as a
            // server without resumable streams answers; the subscription stream itself has no ids).
            throw new ProblemException(
                    ProblemType.METHOD_NOT_ALLOWED,
                    "streams are not resumable here: a GET with "
                            + "Last-Event-ID cannot be answered; open the stream without it");
        }
        if (session == null || session.isBlank()) {
            // Nothing could ever arrive on it: subscriptions belong to a session.
            throw ProblemException.invalidField(
                    McpTransport.SESSION_HEADER,
                    "is required: the stream carries the resource subscriptions of the session initialize began");
        }
        return server.resourceUpdates(caller.get(), session).map(ObjectNode::toString);
    }
}
