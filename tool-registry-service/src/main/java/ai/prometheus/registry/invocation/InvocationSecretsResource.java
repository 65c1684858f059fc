package ai.prometheus.registry.invocation;

import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.sandbox.RunSecrets;
import ai.prometheus.shared.security.RequiresPermission;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The one place secret values leave the registry: to the sandbox, for a run it is about to start. */
@Path("/api/v1/invocations/{id}/secrets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "invocations")
public class InvocationSecretsResource {

    /** Granted to the sandbox's service identity only. */
    public static final String PERMISSION = "tools:secrets:read";

    private final SecretDelivery delivery;
    private final CurrentCaller caller;

    public InvocationSecretsResource(SecretDelivery delivery, CurrentCaller caller) {
        this.delivery = delivery;
        this.caller = caller;
    }

    @GET
    @RequiresPermission(PERMISSION)
    @Operation(
            operationId = "getInvocationSecrets",
            summary = "The secrets of a pending asynchronous invocation, for the sandbox that runs it",
            description = "Service identities with " + PERMISSION + " only; 409 once the invocation finished.")
    public Uni<RunSecrets> secrets(@PathParam("id") String id) {
        return delivery.forRun(caller.get(), Params.uuid("id", id));
    }
}
