package ai.prometheus.registry.secret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final MasterKeys.Key oldKey = MasterKeys.key(random32());
    private final MasterKeys.Key newKey = MasterKeys.key(random32());
    private final UUID tool = UUID.randomUUID();

    @Test
    void valuesRoundTripAndCiphertextHidesThem() {
        SecretCipher cipher = new SecretCipher(new MasterKeys(Optional.of(oldKey), Optional.empty()));
        SecretCipher.WrappedKey wrapped = cipher.newDataKey(tool);
        SecretKey dataKey = cipher.unwrap(wrapped, tool);
        byte[] stored = cipher.encrypt(dataKey, tool, "WEATHER_API_KEY", "sk-live-123456");
        assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("sk-live-123456"));
        assertEquals("sk-live-123456", cipher.decrypt(dataKey, tool, "WEATHER_API_KEY", stored));
        // Fresh nonce every time: the same value never encrypts to the same bytes.
        assertNotEquals(
                new String(stored, StandardCharsets.ISO_8859_1),
                new String(
                        cipher.encrypt(dataKey, tool, "WEATHER_API_KEY", "sk-live-123456"),
                        StandardCharsets.ISO_8859_1));
    }

    @Test
    void ciphertextMovedToAnotherNameOrToolDoesNotDecrypt() {
        SecretCipher cipher = new SecretCipher(new MasterKeys(Optional.of(oldKey), Optional.empty()));
        SecretKey dataKey = cipher.unwrap(cipher.newDataKey(tool), tool);
        byte[] stored = cipher.encrypt(dataKey, tool, "A_KEY", "value-123");
        assertThrows(IllegalStateException.class, () -> cipher.decrypt(dataKey, tool, "B_KEY", stored));
        assertThrows(IllegalStateException.class, () -> cipher.decrypt(dataKey, UUID.randomUUID(), "A_KEY", stored));
        SecretCipher.WrappedKey wrapped = cipher.newDataKey(tool);
        assertThrows(IllegalStateException.class, () -> cipher.unwrap(wrapped, UUID.randomUUID()));
    }

    @Test
    void rotationReadsDataKeysOfThePreviousKeyAndRewrapsThemForTheNewOneAlone() {
        SecretCipher before = new SecretCipher(new MasterKeys(Optional.of(oldKey), Optional.empty()));
        SecretCipher.WrappedKey wrapped = before.newDataKey(tool);
        SecretKey dataKey = before.unwrap(wrapped, tool);
        byte[] stored = before.encrypt(dataKey, tool, "WEATHER_API_KEY", "sk-live-rotate");

        SecretCipher during = new SecretCipher(new MasterKeys(Optional.of(newKey), Optional.of(oldKey)));
        assertTrue(during.needsRewrap(wrapped));
        assertEquals("sk-live-rotate", during.decrypt(during.unwrap(wrapped, tool), tool, "WEATHER_API_KEY", stored));
        SecretCipher.WrappedKey rewrapped = during.rewrap(wrapped, tool);
        assertEquals(newKey.id(), rewrapped.masterKeyId());
        assertFalse(during.needsRewrap(rewrapped));

        SecretCipher after = new SecretCipher(new MasterKeys(Optional.of(newKey), Optional.empty()));
        SecretKey same = after.unwrap(rewrapped, tool);
        assertArrayEquals(dataKey.getEncoded(), same.getEncoded());
        assertEquals("sk-live-rotate", after.decrypt(same, tool, "WEATHER_API_KEY", stored));
        IllegalStateException unknown = assertThrows(IllegalStateException.class, () -> after.unwrap(wrapped, tool));
        assertTrue(unknown.getMessage().contains(oldKey.id()), unknown.getMessage());
    }

    @Test
    void masterKeysMustBe32Bytes() {
        assertThrows(IllegalStateException.class, () -> MasterKeys.key(new byte[16]));
        assertFalse(new SecretCipher(new MasterKeys(Optional.empty(), Optional.empty())).configured());
    }

    private static byte[] random32() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
