package ai.prometheus.shared.platform.security;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every 401 names where this service's protected resource metadata is
 * ({@code WWW-Authenticate: Bearer resource_metadata="..."}, RFC 9728 section 5.1), which is how
 * an MCP host that was refused finds the authorization server to ask for a token.
 */
public class BearerChallenge {

    private final OAuthConfig config;

    public BearerChallenge(OAuthConfig config) {
        this.config = config;
    }

    @ServerResponseFilter
    public void challenge(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() != 401) {
            return;
        }
        String metadata = ProtectedResourceMetadata.base(config, request.getUriInfo()) + ProtectedResourceMetadata.PATH;
        response.getHeaders().putSingle("WWW-Authenticate", "Bearer resource_metadata=\"" + metadata + "\"");
    }
}
