package ai.prometheus.registry.sandbox;

import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

/**
 * The REST client's settings for the sandbox, read as Quarkus reads them for {@link SandboxApi}, so
 * that {@link SandboxEventStream} (a Vert.x client of its own) is configured by the same keys. A
 * client's key may be written plain ({@code quarkus.rest-client.sandbox.url}) or quoted
 * ({@code quarkus.rest-client."sandbox".url}, the form Quarkus documents for keys with dots); where
 * both are set, the one from the source with the higher ordinal wins (an environment variable over
 * {@code application.properties}). A setting every client shares
 * ({@code quarkus.rest-client.connect-timeout}) applies when the sandbox's own is not set.
 */
final class SandboxClientSettings {

    static final String PREFIX = "quarkus.rest-client.sandbox.";
    private static final String QUOTED_PREFIX = "quarkus.rest-client.\"sandbox\".";
    private static final String ALL_CLIENTS = "quarkus.rest-client.";

    private final Config config;

    SandboxClientSettings(Config config) {
        this.config = config;
    }

    /** The sandbox's own setting {@code key}, in either form. */
    Optional<String> own(String key) {
        ConfigValue plain = config.getConfigValue(PREFIX + key);
        ConfigValue quoted = config.getConfigValue(QUOTED_PREFIX + key);
        if (quoted.getValue() == null) {
            return Optional.ofNullable(plain.getValue());
        }
        if (plain.getValue() == null || quoted.getSourceOrdinal() > plain.getSourceOrdinal()) {
            return Optional.of(quoted.getValue());
        }
        return Optional.of(plain.getValue());
    }

    /** The sandbox's setting {@code key}, else every client's. */
    Optional<String> get(String key) {
        return own(key).or(() -> config.getOptionalValue(ALL_CLIENTS + key, String.class));
    }

    /** A whole number of the setting {@code key} (sandbox's, else every client's), or {@code fallback}. */
    long number(String key, long fallback) {
        return get(key).map(String::trim)
                .map(value -> {
                    try {
                        return Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                PREFIX + key + " must be a whole number, not '" + value + "'", e);
                    }
                })
                .orElse(fallback);
    }

    /** The global {@code quarkus.tls.trust-all}. */
    boolean trustAll() {
        return config.getOptionalValue("quarkus.tls.trust-all", Boolean.class).orElse(false);
    }
}
