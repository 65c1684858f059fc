package ai.prometheus.shared.platform.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How this service proves its own identity when it calls another service. Either a token issued
 * by the identity provider ({@code token}, e.g. from a Kubernetes Secret), or a signing key the
 * verifying services trust ({@code signing-key-location}), with which the service mints itself
 * short-lived tokens.
 */
@ConfigMapping(prefix = "prometheus.service-auth")
public interface ServiceAuthConfig {

    /** A ready bearer token for this service. */
    Optional<String> token();

    /** A PKCS#8 PEM private key (file path or classpath location) to sign this service's tokens. */
    Optional<String> signingKeyLocation();

    /** The issuer of self-signed tokens; must be the one the other services expect. */
    @WithDefault("${mp.jwt.verify.issuer}")
    String issuer();

    /** The permissions this service's tokens carry. */
    Optional<List<String>> scopes();

    @WithDefault("10m")
    Duration tokenLifetime();
}
