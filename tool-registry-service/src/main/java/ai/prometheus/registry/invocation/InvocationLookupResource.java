package ai.prometheus.registry.invocation;

import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.Params;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/invocations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "invocations")
public class InvocationLookupResource {

    private final InvocationQueries invocations;
    private final CurrentCaller caller;

    public InvocationLookupResource(InvocationQueries invocations, CurrentCaller caller) {
        this.invocations = invocations;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    @Operation(
            operationId = "getInvocation",
            summary = "An invocation and its outcome",
            description = "Visible to its caller and to the tool's managers.")
    public Uni<InvocationView> get(@PathParam("id") String id) {
        return invocations.get(caller.get(), Params.uuid("id", id));
    }
}
