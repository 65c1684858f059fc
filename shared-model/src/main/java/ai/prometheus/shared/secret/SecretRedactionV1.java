package ai.prometheus.shared.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Version 1 of secret redaction. For each secret it replaces, longest pattern first:
 * <ul>
 *   <li>the value itself;</li>
 *   <li>its URL-encoded forms as the common encoders write them ({@code +} or {@code %20} for spaces,
 *       {@code /} kept or encoded, JavaScript's {@code encodeURIComponent} set), when they differ;</li>
 *   <li>its base64 forms (standard and URL-safe alphabets) at each of the three alignments it can
 *       have inside a longer encoded text, such as {@code Basic base64(user:KEY)}: only the
 *       characters that depend on the value alone are matched, so whatever precedes or follows
 *       it in the encoded data does not hide it. Alignments leaving fewer than
 *       {@value #MIN_ENCODED} characters are skipped (they would match ordinary text).</li>
 * </ul>
 * Frozen: {@code SecretRedactionV1Test} pins its output.
 */
public final class SecretRedactionV1 implements SecretRedaction {

    static final int MIN_ENCODED = 6;

    private record Pattern(String text, String marker) {}

    private final List<Pattern> patterns;

    SecretRedactionV1(Map<String, String> secrets) {
        Map<String, Pattern> unique = new LinkedHashMap<>();
        secrets.forEach((name, value) -> {
            if (value == null || value.isEmpty()) {
                return;
            }
            String marker = SecretRedaction.marker(name);
            for (String form : forms(value)) {
                unique.putIfAbsent(form, new Pattern(form, marker));
            }
        });
        List<Pattern> sorted = new ArrayList<>(unique.values());
        sorted.sort(Comparator.comparingInt((Pattern p) -> p.text().length()).reversed());
        this.patterns = List.copyOf(sorted);
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    @Override
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String redacted = text;
        for (Pattern pattern : patterns) {
            if (redacted.contains(pattern.text())) {
                redacted = redacted.replace(pattern.text(), pattern.marker());
            }
        }
        return redacted;
    }

    @Override
    public JsonNode redact(JsonNode node) {
        if (node == null || isEmpty()) {
            return node;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(redact(node.textValue()));
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(element -> copy.add(redact(element)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                copy.set(redact(field.getKey()), redact(field.getValue()));
            }
            return copy;
        }
        return node;
    }

    /** Every form of {@code value} this version recognises. */
    static List<String> forms(String value) {
        List<String> forms = new ArrayList<>();
        forms.add(value);
        // Encoders disagree on which characters they leave alone: form encoding (+ for space), RFC 3986
        // components (%20), paths (Python's quote keeps /), JavaScript's encodeURIComponent (keeps !'()*~).
        String urlPlus = URLEncoder.encode(value, StandardCharsets.UTF_8);
        String url = urlPlus.replace("+", "%20");
        forms.add(urlPlus);
        forms.add(url);
        forms.add(url.replace("%2F", "/").replace("%7E", "~"));
        forms.add(url.replace("%7E", "~")
                .replace("%21", "!")
                .replace("%27", "'")
                .replace("%28", "(")
                .replace("%29", ")"));
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int shift = 0; shift < 3; shift++) {
            String aligned = alignedBase64(bytes, shift);
            if (aligned.length() >= MIN_ENCODED) {
                forms.add(aligned);
                forms.add(aligned.replace('+', '-').replace('/', '_'));
            }
        }
        return forms;
    }

    /**
     * The base64 characters determined by {@code value} alone when it starts {@code shift} bytes
     * after a 3-byte boundary of the encoded data: the characters mixing in neighbouring bytes,
     * and padding, are cut off.
     */
    static String alignedBase64(byte[] value, int shift) {
        byte[] shifted = new byte[shift + value.length];
        System.arraycopy(value, 0, shifted, shift, value.length);
        String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
        int first = (shift * 8 + 5) / 6;
        int end = (shifted.length * 8) / 6;
        return first >= end ? "" : encoded.substring(first, end);
    }
}
