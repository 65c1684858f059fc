package ai.prometheus.shared.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The tool contract for output: what a tool prints on stdout is its result, parsed as JSON when it
 * is one JSON document, and returned as text otherwise. Used wherever a result is produced, so the
 * synchronous and asynchronous paths agree.
 */
public final class ToolOutput {

    // Trailing tokens fail the parse: "1 2 3" is text, not the number 1.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ToolOutput() {
    }

    public static JsonNode parse(String stdout) {
        if (stdout == null) {
            return TextNode.valueOf("");
        }
        String trimmed = stdout.strip();
        if (trimmed.isEmpty()) {
            return TextNode.valueOf("");
        }
        char first = trimmed.charAt(0);
        boolean mayBeJson = first == '{' || first == '[' || first == '"' || first == '-' || Character.isDigit(first)
                || trimmed.equals("true") || trimmed.equals("false") || trimmed.equals("null");
        if (mayBeJson) {
            try {
                JsonNode parsed = MAPPER.readTree(trimmed);
                if (parsed != null && !parsed.isMissingNode()) {
                    return parsed;
                }
            } catch (JsonProcessingException e) {
                // not JSON: the text is the result
            }
        }
        return TextNode.valueOf(stdout);
    }
}
