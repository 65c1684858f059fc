package ai.prometheus.registry.secret;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Where the master key that protects tool secrets comes from, and the limits on secret values.
 * The key is 32 random bytes, base64-encoded, given directly ({@code PROMETHEUS_SECRETS_KEY}) or
 * in a file ({@code PROMETHEUS_SECRETS_KEY_FILE}, e.g. a mounted Kubernetes Secret). To rotate it,
 * make the old key the previous one and give a new current key: data keys wrapped by the previous
 * key are still read, and re-wrapped with the current one at start-up.
 */
@ConfigMapping(prefix = "registry.secrets")
public interface SecretsConfig {

    /** The current master key, base64 (32 bytes). */
    Optional<String> key();

    /** A file holding the current master key, base64; used when {@code key} is not set. */
    Optional<String> keyFile();

    /** The master key being rotated out, base64; data keys it wrapped are re-wrapped at start-up. */
    Optional<String> previousKey();

    /** A file holding the previous master key. */
    Optional<String> previousKeyFile();

    /** The largest secret value, in UTF-8 bytes. */
    @WithDefault("8192")
    int maxValueBytes();

    /** The shortest secret value: shorter ones would be redacted from ordinary output. */
    @WithDefault("6")
    int minValueChars();

    /** The most secrets one tool may hold. */
    @WithDefault("50")
    int maxPerTool();
}
