package ai.prometheus.registry.sandbox;

import ai.prometheus.shared.platform.security.ServiceIdentity;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.sandbox.InvocationOutput;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The sandbox service's run endpoint; used only through {@link SandboxClient}. A run's request goes
 * as JSON the client wrote itself ({@link SandboxClient#body}): the REST client's Jackson writer
 * reads the body parameter's annotations by reflection on every call (for {@code @JsonView}),
 * which the synchronous invocation path paid for each run. The same run followed live (server-sent
 * events) is read by {@link SandboxEventStream}: this client's event-stream reader closes its
 * connection after every stream.
 */
@RegisterRestClient(configKey = "sandbox")
@Path("/api/v1/executions")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
interface SandboxApi {

    @POST
    Uni<ExecutionResult> execute(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf,
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            byte[] request);

    @GET
    @Path("/invocations/{invocationId}/result")
    Uni<InvocationOutput> invocationResult(
            @HeaderParam("Authorization") String authorization, @PathParam("invocationId") UUID invocationId);

    /** Stops the run of an asynchronous invocation; answers {invocationId, status}. */
    @POST
    @Path("/invocations/{invocationId}/cancel")
    Uni<RunCancellation> cancelInvocation(
            @HeaderParam("Authorization") String authorization, @PathParam("invocationId") UUID invocationId);
}
