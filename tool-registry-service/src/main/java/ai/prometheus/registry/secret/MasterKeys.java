package ai.prometheus.registry.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The master key that wraps every tool's data key, and the previous one during a rotation. Each
 * is known by an id (the start of its SHA-256), stored with what it wrapped, so the right key is
 * chosen on reading and data keys of the previous one can be found and re-wrapped.
 */
public record MasterKeys(Optional<Key> current, Optional<Key> previous) {

    public record Key(String id, SecretKey key) {
        @Override
        public String toString() {
            return "Key[id=" + id + "]";
        }
    }

    public static MasterKeys from(SecretsConfig config) {
        Optional<Key> current = load("registry.secrets.key", config.key(), config.keyFile());
        Optional<Key> previous = load("registry.secrets.previous-key", config.previousKey(), config.previousKeyFile());
        if (previous.isPresent() && current.isEmpty()) {
            throw new IllegalStateException("registry.secrets.previous-key is set but no current key: set"
                    + " PROMETHEUS_SECRETS_KEY (or PROMETHEUS_SECRETS_KEY_FILE) to the new key");
        }
        return new MasterKeys(current, previous);
    }

    public static Key key(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalStateException(
                    "a secrets master key must be 32 bytes (base64 of 32 random bytes), not " + raw.length);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return new Key(HexFormat.of().formatHex(digest, 0, 8), new SecretKeySpec(raw, "AES"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key with this id, if it is the current or the previous one. */
    public Optional<Key> byId(String id) {
        if (current.isPresent() && current.get().id().equals(id)) {
            return current;
        }
        return previous.filter(key -> key.id().equals(id));
    }

    private static Optional<Key> load(String setting, Optional<String> inline, Optional<String> file) {
        String base64 = inline.filter(value -> !value.isBlank()).orElse(null);
        if (base64 == null && file.isPresent() && !file.get().isBlank()) {
            try {
                base64 = Files.readString(Path.of(file.get()), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + setting + "-file " + file.get(), e);
            }
        }
        if (base64 == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(key(Base64.getDecoder().decode(base64.strip())));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " is not valid base64", e);
        }
    }
}
