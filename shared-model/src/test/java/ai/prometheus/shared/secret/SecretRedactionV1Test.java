package ai.prometheus.shared.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SecretRedactionV1Test {

    private static final String KEY = "sk-live-4f9a8b7c6d5e";
    private static final SecretRedaction REDACTION = SecretRedaction.of(Map.of("WEATHER_API_KEY", KEY));
    private static final String MARKER = "[REDACTED:WEATHER_API_KEY]";

    @Test
    void pinnedOutputOfVersionOne() {
        assertEquals(1, REDACTION.version());
        assertEquals(
                "key=[REDACTED:WEATHER_API_KEY]; again [REDACTED:WEATHER_API_KEY].",
                REDACTION.redact("key=" + KEY + "; again " + KEY + "."));
        assertEquals(
                "Authorization: Basic dXNlcjp[REDACTED:WEATHER_API_KEY]Q==",
                REDACTION.redact("Authorization: Basic " + base64("user:" + KEY)));
    }

    @Test
    void plainBase64AndUrlEncodedFormsAreRedacted() {
        // c2stbGl2ZS00ZjlhOGI3YzZkNWU=: the last character and the padding also depend on what follows.
        assertEquals(MARKER + "U=", REDACTION.redact(base64(KEY)));
        SecretRedaction spaced = SecretRedaction.of(Map.of("PASSPHRASE", "open sesame & more/ünï"));
        String encoded = URLEncoder.encode("open sesame & more/ünï", StandardCharsets.UTF_8);
        assertEquals("q=[REDACTED:PASSPHRASE]", spaced.redact("q=" + encoded));
        assertEquals("q=[REDACTED:PASSPHRASE]", spaced.redact("q=" + encoded.replace("+", "%20")));
        assertEquals("[REDACTED:PASSPHRASE]", spaced.redact("open sesame & more/ünï"));
        // Python's urllib.parse.quote keeps "/" as it is.
        assertEquals(
                "q=[REDACTED:PASSPHRASE]",
                spaced.redact("q=" + encoded.replace("+", "%20").replace("%2F", "/")));
    }

    @Test
    void base64AtEveryAlignmentInsideLongerDataLeavesNoValue() {
        Random random = new Random(13);
        for (int prefix = 0; prefix < 9; prefix++) {
            for (int suffix = 0; suffix < 4; suffix++) {
                byte[] before = new byte[prefix];
                byte[] after = new byte[suffix];
                random.nextBytes(before);
                random.nextBytes(after);
                String data = new String(before, StandardCharsets.ISO_8859_1)
                        + KEY
                        + new String(after, StandardCharsets.ISO_8859_1);
                byte[] bytes = data.getBytes(StandardCharsets.ISO_8859_1);
                for (Base64.Encoder encoder : new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
                    String redacted = REDACTION.redact(encoder.encodeToString(bytes));
                    assertTrue(redacted.contains(MARKER), "prefix " + prefix + ", suffix " + suffix + ": " + redacted);
                    assertFalse(decodesToKey(redacted), redacted);
                }
            }
        }
    }

    @Test
    void jsonIsRedactedInValuesAndFieldNamesWithoutTouchingOtherTypes() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode result = json.readTree("{\"key\": \"" + KEY + "\", \"" + KEY + "\": 1, \"list\": [\"x" + KEY
                + "\", 2, true]," + " \"n\": 21.5}");
        JsonNode redacted = REDACTION.redact(result);
        assertEquals(MARKER, redacted.get("key").asText());
        assertEquals(1, redacted.get(MARKER).asInt());
        assertEquals("x" + MARKER, redacted.get("list").get(0).asText());
        assertEquals(2, redacted.get("list").get(1).asInt());
        assertEquals(21.5, redacted.get("n").asDouble());
        assertTrue(result.get("key").asText().equals(KEY), "the input is not modified");
    }

    @Test
    void longerSecretsWinWhenOneValueContainsAnother() {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("SHORT", "abcdef12");
        secrets.put("LONG", "abcdef12-and-more");
        assertEquals(
                "[REDACTED:LONG] [REDACTED:SHORT]", SecretRedaction.of(secrets).redact("abcdef12-and-more abcdef12"));
    }

    @Test
    void withoutSecretsNothingChanges() {
        SecretRedaction none = SecretRedaction.of(Map.of());
        assertTrue(none.isEmpty());
        assertEquals("plain " + KEY, none.redact("plain " + KEY));
        assertNull(REDACTION.redact((String) null));
        JsonNode node = new ObjectMapper().createObjectNode().put("a", KEY);
        assertSame(node, none.redact(node));
    }

    @Test
    void alignedBase64KeepsOnlyCharactersTheValueDetermines() {
        byte[] value = "Man".getBytes(StandardCharsets.US_ASCII);
        assertEquals("TWFu", SecretRedactionV1.alignedBase64(value, 0));
        // "xMan" encodes as eE1hbg: its first two and last characters mix in other bytes.
        assertEquals("1hb", SecretRedactionV1.alignedBase64(value, 1));
    }

    private static boolean decodesToKey(String text) {
        for (String token : text.split("[^A-Za-z0-9+/=_-]+")) {
            for (int skip = 0; skip < 4 && skip < token.length(); skip++) {
                try {
                    String decoded = new String(
                            Base64.getMimeDecoder()
                                    .decode(token.substring(skip)
                                            .replace('-', '+')
                                            .replace('_', '/')),
                            StandardCharsets.ISO_8859_1);
                    if (decoded.contains(KEY)) {
                        return true;
                    }
                } catch (IllegalArgumentException e) {
                    // not base64 at this offset
                }
            }
        }
        return false;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
