package ai.prometheus.registry.tool;

import ai.prometheus.shared.sandbox.NetworkPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The fingerprint of a tool version: SHA-256 over a canonical JSON of what a caller trusts when
 * it decides to call a tool (name, description, argument schema, language, code and, when it has
 * one, its network policy: where the code may send what it gets). A caller
 * that pins it gets 409 instead of running something that changed underneath (tool poisoning).
 */
public final class Fingerprints {

    // Sorted keys make the JSON canonical: the same schema written in another key order is the same tool.
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private Fingerprints() {}

    public static String of(String name, String description, JsonNode signature, String language, String code) {
        return of(name, description, signature, language, code, null);
    }

    /** The same with a network policy; without one (null or empty) the fingerprint is what it always was. */
    public static String of(
            String name, String description, JsonNode signature, String language, String code, NetworkPolicy network) {
        ObjectNode content = CANONICAL.createObjectNode();
        if (NetworkPolicy.grantsAny(network)) {
            content.set("network", CANONICAL.valueToTree(network.canonical().allow()));
        }
        content.put("name", name);
        content.put("description", description == null ? "" : description);
        content.set("functionSignature", signature);
        content.put("language", language);
        content.put("code", code);
        try {
            Object sorted = CANONICAL.treeToValue(content, Object.class);
            byte[] json = CANONICAL.writeValueAsBytes(sorted);
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (NoSuchAlgorithmException | java.io.IOException e) {
            throw new IllegalStateException("cannot fingerprint tool " + name, e);
        }
    }

    /** Accepts a pinned fingerprint with or without the {@code sha256:} prefix. */
    public static boolean matches(String pinned, String actual) {
        String normalized = pinned.startsWith("sha256:") ? pinned : "sha256:" + pinned;
        return normalized.equalsIgnoreCase(actual);
    }
}
