package ai.prometheus.shared.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Keeps an event's data within a byte budget below the broker's message limit. When the data is
 * larger, its largest fields are cut, largest first: each becomes a string holding the start of
 * its JSON text followed by {@link #MARKER}, and its name is listed in the data's
 * {@value #TRUNCATED_FIELDS} array. The producing service keeps the full value (the registry's
 * invocation, the sandbox's execution) and serves it over REST; an event is a notification, not
 * the only copy.
 */
public final class EventBudget {

    /** Lists the names of the cut fields; readers that do not know it ignore it. */
    public static final String TRUNCATED_FIELDS = "truncatedFields";

    public static final String MARKER = "…[truncated: the full value is available over REST]";
    /** Never cut a field below this many characters. */
    static final int KEEP_AT_LEAST = 1024;

    private EventBudget() {}

    /** {@code data} itself when it fits in {@code maxBytes} of JSON, else a copy with its largest fields cut. */
    public static JsonNode fit(JsonNode data, int maxBytes, ObjectMapper mapper) {
        if (!(data instanceof ObjectNode object) || bytes(data, mapper) <= maxBytes) {
            return data;
        }
        ObjectNode fitted = object.deepCopy();
        ArrayNode truncated = fitted.putArray(TRUNCATED_FIELDS);
        for (int round = 0; round < fitted.size() && bytes(fitted, mapper) > maxBytes; round++) {
            Map.Entry<String, JsonNode> largest = largestField(fitted, mapper);
            if (largest == null) {
                break;
            }
            long excess = bytes(fitted, mapper) - maxBytes;
            String text =
                    largest.getValue().isTextual() ? largest.getValue().textValue() : json(largest.getValue(), mapper);
            // A character takes at least one byte, so cutting the excess in characters (plus the
            // marker) is enough for ASCII; the loop cuts again when multi-byte text needs more.
            int keep = (int) Math.max(KEEP_AT_LEAST, text.length() - excess - MARKER.length() - 64);
            if (keep >= text.length()) {
                keep = Math.max(0, text.length() / 2);
            }
            if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
                keep--;
            }
            fitted.set(largest.getKey(), TextNode.valueOf(text.substring(0, keep) + MARKER));
            if (!contains(truncated, largest.getKey())) {
                truncated.add(largest.getKey());
            }
        }
        return fitted;
    }

    /** Whether {@code field} of an event's data was cut by {@link #fit}. */
    public static boolean truncated(JsonNode data, String field) {
        return data != null
                && data.path(TRUNCATED_FIELDS).isArray()
                && contains((ArrayNode) data.get(TRUNCATED_FIELDS), field);
    }

    private static Map.Entry<String, JsonNode> largestField(ObjectNode object, ObjectMapper mapper) {
        Map.Entry<String, JsonNode> largest = null;
        long largestBytes = KEEP_AT_LEAST + MARKER.length();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (TRUNCATED_FIELDS.equals(field.getKey())) {
                continue;
            }
            long size = bytes(field.getValue(), mapper);
            if (size > largestBytes) {
                largest = field;
                largestBytes = size;
            }
        }
        return largest;
    }

    private static boolean contains(ArrayNode array, String name) {
        for (JsonNode element : array) {
            if (name.equals(element.asText())) {
                return true;
            }
        }
        return false;
    }

    static long bytes(JsonNode node, ObjectMapper mapper) {
        return json(node, mapper).getBytes(StandardCharsets.UTF_8).length;
    }

    private static String json(JsonNode node, ObjectMapper mapper) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data cannot be written as JSON", e);
        }
    }
}
