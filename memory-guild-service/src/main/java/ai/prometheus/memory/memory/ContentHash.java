package ai.prometheus.memory.memory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Identity of a memory's content for deduplication: kind, key, source and text. Two writes with
 * the same identity in one context are the same memory; metadata and importance do not count.
 */
public final class ContentHash {

    private ContentHash() {}

    public static String of(String kind, String key, String sourceRef, String content) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {kind, key, sourceRef, content}) {
                sha.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
