package ai.prometheus.registry.secret;

import ai.prometheus.shared.platform.security.CurrentCaller;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A tool's secrets, for its managers (authorized and audited by the service). Values go in and
 * never come out: no endpoint answers a value.
 */
@Path("/api/v1/tools/{name}/secrets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "secrets")
public class SecretResource {

    private final SecretService secrets;
    private final CurrentCaller caller;

    public SecretResource(SecretService secrets, CurrentCaller caller) {
        this.secrets = secrets;
        this.caller = caller;
    }

    /** {@code PUT .../secrets/{secret}}. */
    public record SecretValue(String value) {
        @Override
        public String toString() {
            return "SecretValue[value=***]";
        }
    }

    @GET
    @Operation(
            operationId = "listToolSecrets",
            summary = "The names of the tool's secrets, with who set them and when; never their values")
    public Uni<List<SecretService.SecretView>> list(@PathParam("name") String name) {
        return secrets.list(caller.get(), name);
    }

    @PUT
    @Path("/{secret}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "setToolSecret",
            summary = "Set a secret",
            description =
                    "Names are upper-case environment variable names. The value is"
                            + " stored encrypted and reaches the tool's runs as that environment variable; it is never answered.")
    @APIResponse(responseCode = "204", description = "Set")
    public Uni<Response> put(@PathParam("name") String name, @PathParam("secret") String secret, SecretValue body) {
        return secrets.put(caller.get(), name, secret, body == null ? null : body.value())
                .map(created -> Response.noContent().build());
    }

    @DELETE
    @Path("/{secret}")
    @Operation(
            operationId = "deleteToolSecret",
            summary = "Delete a secret",
            description = "Invocations of a version that uses it fail with 409 until" + " it is set again.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("name") String name, @PathParam("secret") String secret) {
        return secrets.delete(caller.get(), name, secret)
                .map(ignored -> Response.noContent().build());
    }
}
