package ai.prometheus.shared.platform.security;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/**
 * What this service tells OAuth clients (MCP hosts) about itself as a protected resource
 * (RFC 9728): where to get tokens and which scopes it knows.
 */
@ConfigMapping(prefix = "prometheus.oauth")
public interface OAuthConfig {

    /** Issuer URLs of the authorization servers whose tokens this service accepts. */
    Optional<List<String>> authorizationServers();

    /** The scopes this service checks (advertised as scopes_supported). */
    Optional<List<String>> scopes();

    /** A human-readable name of this resource. */
    Optional<String> resourceName();

    /**
     * This service's public base URL (scheme, host, port) when it sits behind a proxy; by default
     * the URL the request reached it under.
     */
    Optional<String> publicUrl();
}
