package ai.prometheus.shared.platform.security;

import ai.prometheus.shared.platform.config.ServiceConfig;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * This service's own bearer token, for calls to other services of the suite. The caller a call
 * is made for travels separately, in the {@value #ON_BEHALF_OF} header, which receivers trust
 * only from service principals.
 */
@ApplicationScoped
public class ServiceIdentity {

    /** Names the end caller a service-to-service call acts for, for audit on the receiving side. */
    public static final String ON_BEHALF_OF = "X-On-Behalf-Of";

    private final ServiceAuthConfig config;
    private final ServiceConfig service;
    private volatile String cached;
    private volatile Instant renewAt = Instant.EPOCH;

    public ServiceIdentity(ServiceAuthConfig config, ServiceConfig service) {
        this.config = config;
        this.service = service;
    }

    /** The token to send; self-signed tokens are renewed when 80% of their lifetime has passed. */
    public String bearerToken() {
        if (config.token().isPresent() && !config.token().get().isBlank()) {
            return config.token().get();
        }
        if (config.signingKeyLocation().isEmpty()
                || config.signingKeyLocation().get().isBlank()) {
            throw new IllegalStateException("service " + service.name() + " has no identity for calling other services:"
                    + " set PROMETHEUS_SERVICE_AUTH_TOKEN or PROMETHEUS_SERVICE_AUTH_SIGNING_KEY_LOCATION");
        }
        Instant now = Instant.now();
        if (cached == null || now.isAfter(renewAt)) {
            synchronized (this) {
                if (cached == null || now.isAfter(renewAt)) {
                    long lifetime = config.tokenLifetime().toSeconds();
                    cached = Jwt.issuer(config.issuer())
                            .subject(service.name())
                            .upn(service.name())
                            .claim("principal_type", "service")
                            .claim("scope", String.join(" ", config.scopes().orElse(List.of())))
                            .issuedAt(now.getEpochSecond())
                            .expiresAt(now.getEpochSecond() + lifetime)
                            .sign(config.signingKeyLocation().get());
                    renewAt = now.plusSeconds(lifetime * 8 / 10);
                }
            }
        }
        return cached;
    }
}
