package ai.prometheus.sandbox.secret;

import ai.prometheus.shared.sandbox.RunSecrets;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The registry's secret hand-over for asynchronous runs; used only through {@link RunSecretsClient}. */
@RegisterRestClient(configKey = "registry")
@Path("/api/v1/invocations")
@Produces(MediaType.APPLICATION_JSON)
interface RegistryApi {

    @GET
    @Path("/{id}/secrets")
    Uni<RunSecrets> secrets(@HeaderParam("Authorization") String authorization, @PathParam("id") UUID invocationId);
}
