package ai.prometheus.shared.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The tool contract for output: what a tool prints on stdout is its result, parsed as JSON when it
 * is one JSON document, and returned as text otherwise. Used wherever a result is produced, so the
 * synchronous and asynchronous paths agree.
 *
 * <p>Output is text and may hold any bytes. Bytes that are not UTF-8 are already U+FFFD once
 * decoded; the NUL character (raw, or escaped inside a JSON string) and unpaired surrogates
 * cannot be stored by PostgreSQL ({@code text} refuses the byte, {@code jsonb} the escape), so
 * results and messages built from output replace them with U+FFFD too. Without that one rule a
 * tool printing NUL made its synchronous call a 500 and its asynchronous one a false platform fault.
 */
public final class ToolOutput {

    // Trailing tokens fail the parse: "1 2 3" is text, not the number 1.
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ToolOutput() {}

    /** Replacement for what PostgreSQL cannot store. */
    public static final char REPLACEMENT = '\uFFFD';

    public static JsonNode parse(String output) {
        if (output == null) {
            return TextNode.valueOf("");
        }
        String stdout = text(output);
        String trimmed = stdout.strip();
        if (trimmed.isEmpty()) {
            return TextNode.valueOf("");
        }
        char first = trimmed.charAt(0);
        boolean mayBeJson = first == '{'
                || first == '['
                || first == '"'
                || first == '-'
                || Character.isDigit(first)
                || trimmed.equals("true")
                || trimmed.equals("false")
                || trimmed.equals("null");
        if (mayBeJson) {
            try {
                JsonNode parsed = MAPPER.readTree(trimmed);
                if (parsed != null && !parsed.isMissingNode()) {
                    return storable(parsed);
                }
            } catch (JsonProcessingException e) {
                // not JSON: the text is the result
            }
        }
        return TextNode.valueOf(stdout);
    }

    /**
     * {@code output} with NUL and unpaired surrogates replaced by U+FFFD: storable in any text or
     * JSON column. The same instance when there is nothing to replace.
     */
    public static String text(String output) {
        if (output == null) {
            return null;
        }
        int first = firstUnstorable(output);
        if (first < 0) {
            return output;
        }
        StringBuilder clean = new StringBuilder(output.length()).append(output, 0, first);
        for (int i = first; i < output.length(); i++) {
            char c = output.charAt(i);
            if (c == 0) {
                clean.append(REPLACEMENT);
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < output.length()
                    && Character.isLowSurrogate(output.charAt(i + 1))) {
                clean.append(c).append(output.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                clean.append(REPLACEMENT);
            } else {
                clean.append(c);
            }
        }
        return clean.toString();
    }

    private static int firstUnstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return i;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** A parsed result with every string and field name made storable (depth is bounded by the parser). */
    private static JsonNode storable(JsonNode node) {
        if (node.isTextual()) {
            String clean = text(node.textValue());
            return clean == node.textValue() ? node : TextNode.valueOf(clean);
        }
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, storable(array.get(i)));
            }
            return array;
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            ObjectNode clean = object.objectNode();
            object.properties().forEach(field -> clean.set(text(field.getKey()), storable(field.getValue())));
            return clean;
        }
        return node;
    }
}
