package ai.prometheus.registry.invocation;

import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.ServerTimingHeader;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Invoking tools ({@link InvocationLookupResource} reads them back). Permission to invoke is decided per tool (token permission plus the tool's ACL)
 * and audited either way by the service, so only authentication is required here.
 */
@Path("/api/v1/tools/{name}/invocations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "invocations")
public class InvocationResource {

    private final InvocationService invocations;
    private final CurrentCaller caller;

    public InvocationResource(InvocationService invocations, CurrentCaller caller) {
        this.invocations = invocations;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "invokeTool",
            summary = "Invoke a tool",
            description = "mode=sync (default) answers 200 with the result; mode=async"
                    + " answers 202 and the result is read from GET /invocations/{id}. The arguments arrive on the tool's stdin"
                    + " as one JSON document; what it prints is the result. A repeated Idempotency-Key returns the first"
                    + " invocation. Pin fingerprint to refuse (409) a tool that changed.")
    @APIResponse(
            responseCode = "200",
            description = "The finished invocation; its Server-Timing header names where this service's time went"
                    + " (admission, sandbox with the run inside it, record, total; milliseconds)",
            content = @Content(schema = @Schema(implementation = InvocationView.class)))
    @APIResponse(
            responseCode = "202",
            description = "An asynchronous invocation, accepted; poll its Location",
            content = @Content(schema = @Schema(implementation = InvocationView.class)))
    @APIResponse(responseCode = "422", description = "The tool cannot be invoked in its current definition")
    @APIResponse(
            responseCode = "429",
            description = "A quota or the admission limit is reached; retry after the Retry-After seconds")
    @APIResponse(responseCode = "502", description = "The sandbox failed to run the tool")
    @APIResponse(responseCode = "504", description = "The run timed out")
    public Uni<Response> invoke(
            @PathParam("name") String name,
            @Valid InvocationRequest request,
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            UriInfo uri) {
        InvocationRequest body = request == null ? new InvocationRequest(null, null, null, null) : request;
        return invocations.invoke(caller.get(), name, body, idempotencyKey).map(invoked -> {
            var location = uri.getBaseUriBuilder()
                    .path("api/v1/invocations")
                    .path(invoked.invocation().id().toString())
                    .build();
            Response.ResponseBuilder answer = Response.status(
                            invoked.pending() ? Response.Status.ACCEPTED : Response.Status.OK)
                    .location(location)
                    .entity(invoked.invocation());
            if (invoked.timing() != null) {
                answer.header(ServerTimingHeader.NAME, invoked.timing().header());
            }
            return answer.build();
        });
    }
}
