package ai.prometheus.registry.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of tool secrets with AES-256-GCM: each tool has a random data key, stored
 * only wrapped (encrypted) by the master key; each value is encrypted with its tool's data key.
 * The associated data binds a wrapped key to its tool and a value to its tool and name, so
 * ciphertext copied to another row does not decrypt. Stored form: 12-byte nonce, then ciphertext
 * with its 16-byte tag.
 */
public final class SecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A data key as stored: wrapped by the master key {@code masterKeyId}. */
    public record WrappedKey(String masterKeyId, byte[] wrapped) {}

    private final MasterKeys keys;

    public SecretCipher(MasterKeys keys) {
        this.keys = keys;
    }

    public boolean configured() {
        return keys.current().isPresent();
    }

    /** A fresh data key for {@code toolId}, wrapped by the current master key. */
    public WrappedKey newDataKey(UUID toolId) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return wrap(raw, toolId);
    }

    /** The data key, unwrapped with whichever master key wrapped it. */
    public SecretKey unwrap(WrappedKey wrapped, UUID toolId) {
        MasterKeys.Key master = keys.byId(wrapped.masterKeyId())
                .orElseThrow(() -> new UnknownMasterKeyException(wrapped.masterKeyId()));
        return new SecretKeySpec(decrypt(master.key(), wrapped.wrapped(), aad("data-key", toolId, "")), "AES");
    }

    /** Whether {@code wrapped} can be unwrapped here (its master key is the current or the previous one). */
    public boolean canUnwrap(WrappedKey wrapped) {
        return keys.byId(wrapped.masterKeyId()).isPresent();
    }

    /** Whether {@code wrapped} should be re-wrapped with the current master key (it was wrapped by the previous one). */
    public boolean needsRewrap(WrappedKey wrapped) {
        return keys.current().isPresent() && !keys.current().get().id().equals(wrapped.masterKeyId());
    }

    /** The same data key, wrapped by the current master key. */
    public WrappedKey rewrap(WrappedKey wrapped, UUID toolId) {
        return wrap(unwrap(wrapped, toolId).getEncoded(), toolId);
    }

    public byte[] encrypt(SecretKey dataKey, UUID toolId, String name, String value) {
        return encrypt(dataKey, value.getBytes(StandardCharsets.UTF_8), aad("secret", toolId, name));
    }

    public String decrypt(SecretKey dataKey, UUID toolId, String name, byte[] stored) {
        return new String(decrypt(dataKey, stored, aad("secret", toolId, name)), StandardCharsets.UTF_8);
    }

    private WrappedKey wrap(byte[] raw, UUID toolId) {
        MasterKeys.Key master = keys.current().orElseThrow(() -> new IllegalStateException("no secrets master key"));
        return new WrappedKey(master.id(), encrypt(master.key(), raw, aad("data-key", toolId, "")));
    }

    private static byte[] aad(String kind, UUID toolId, String name) {
        return (kind + "\n" + toolId + "\n" + name).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encrypt(SecretKey key, byte[] plaintext, byte[] aad) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    private static byte[] decrypt(SecretKey key, byte[] stored, byte[] aad) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored secret does not decrypt (wrong key or tampered data)", e);
        }
    }
}
