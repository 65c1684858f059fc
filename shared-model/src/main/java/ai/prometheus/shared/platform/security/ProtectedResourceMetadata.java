package ai.prometheus.shared.platform.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728), so that an MCP host given only this service's
 * URL finds where to get a token: {@code /.well-known/oauth-protected-resource} describes the
 * service as a whole, {@code /.well-known/oauth-protected-resource/mcp} its {@code /mcp} endpoint
 * (the path-suffixed form clients try first). Every 401 points here (see {@link BearerChallenge}).
 */
@Path(ProtectedResourceMetadata.PATH)
@Tag(name = "oauth")
@PermitAll
public class ProtectedResourceMetadata {

    public static final String PATH = "/.well-known/oauth-protected-resource";

    private final OAuthConfig config;

    public ProtectedResourceMetadata(OAuthConfig config) {
        this.config = config;
    }

    /** The document's fields, as RFC 9728 section 2 names them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Document(
            String resource,
            @JsonProperty("authorization_servers") List<String> authorizationServers,
            @JsonProperty("scopes_supported") List<String> scopesSupported,
            @JsonProperty("bearer_methods_supported") List<String> bearerMethodsSupported,
            @JsonProperty("resource_name") String resourceName) {}

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "getProtectedResourceMetadata",
            summary = "OAuth protected resource metadata of this service (RFC 9728)")
    public Document service(@Context UriInfo uri) {
        return document(base(config, uri));
    }

    @GET
    @Path("/{resource: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "getEndpointProtectedResourceMetadata",
            summary = "OAuth protected resource metadata of one endpoint, e.g. /mcp (RFC 9728)")
    public Document endpoint(@PathParam("resource") String resource, @Context UriInfo uri) {
        return document(base(config, uri) + "/" + resource);
    }

    private Document document(String resource) {
        return new Document(
                resource,
                config.authorizationServers().orElse(null),
                config.scopes().orElse(null),
                List.of("header"),
                config.resourceName().orElse(null));
    }

    /** This service's base URL, without a trailing slash: the configured one, or the one the request used. */
    static String base(OAuthConfig config, UriInfo uri) {
        String base = config.publicUrl().orElseGet(() -> {
            URI requested = uri.getBaseUri();
            return requested.getScheme() + "://" + requested.getRawAuthority();
        });
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
