package ai.prometheus.shared.platform.messaging;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventBudget;
import ai.prometheus.shared.event.EventSchemas;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.platform.web.StorableText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.inject.Singleton;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Builds, writes and reads {@link CloudEvent}s. Reading validates the envelope, so a consumer
 * either gets a well-formed event or a {@link MalformedEventException} saying what is wrong.
 */
@Singleton
public class EventCodec {

    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    /**
     * The most an event's data may take, in bytes of JSON: with the envelope it stays below the
     * outbox relay's {@code prometheus.outbox.max-event-bytes} (1,000,000) and Kafka's default 1 MB
     * limits. Larger data is cut by {@link EventBudget}.
     */
    public static final int MAX_DATA_BYTES = 900_000;

    private final ObjectMapper mapper;

    public EventCodec() {
        this.mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** A new event with a fresh id and the current time. */
    public CloudEvent create(String source, String type, String subject, Object data, String traceparent) {
        return create(source, type, subject, data, traceparent, MAX_DATA_BYTES);
    }

    /**
     * A new event whose data is cut to {@code maxDataBytes} (at most {@link #MAX_DATA_BYTES}): for
     * producers with a tighter budget of their own, such as the sandbox's result events.
     */
    public CloudEvent create(
            String source, String type, String subject, Object data, String traceparent, int maxDataBytes) {
        return new CloudEvent(
                CloudEvent.SPEC_VERSION,
                UUID.randomUUID().toString(),
                source,
                type,
                subject,
                OffsetDateTime.now(ZoneOffset.UTC),
                CloudEvent.JSON,
                EventSchemas.idOf(type).orElse(null),
                traceparent != null && isValidTraceparent(traceparent) ? traceparent : null,
                EventBudget.fit(mapper.valueToTree(data), Math.min(maxDataBytes, MAX_DATA_BYTES), mapper));
    }

    public String encode(CloudEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + event.id() + " cannot be written as JSON", e);
        }
    }

    public CloudEvent decode(String json) {
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("event is empty");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("event is not valid JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new MalformedEventException("event is not a JSON object");
        }
        String unstorable = unstorableText(tree, "");
        if (unstorable != null) {
            // The consumer's transaction would fail on it every time: dead-letter it, do not retry.
            throw new MalformedEventException("event " + unstorable);
        }
        requireText(tree, "specversion");
        requireText(tree, "id");
        requireText(tree, "source");
        requireText(tree, "type");
        if (!CloudEvent.SPEC_VERSION.equals(tree.get("specversion").asText())) {
            throw new MalformedEventException("unsupported specversion '"
                    + tree.get("specversion").asText() + "', expected " + CloudEvent.SPEC_VERSION);
        }
        JsonNode traceparent = tree.get("traceparent");
        if (traceparent != null && !traceparent.isNull() && !isValidTraceparent(traceparent.asText())) {
            throw new MalformedEventException("traceparent '" + traceparent.asText() + "' is not a W3C trace context");
        }
        try {
            return mapper.treeToValue(tree, CloudEvent.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedEventException("event attributes are malformed: " + e.getMessage());
        }
    }

    /** The payload of {@code event} as {@code type}, failing clearly when it has another shape. */
    public <T> T data(CloudEvent event, Class<T> type) {
        if (event.data() == null || event.data().isNull()) {
            throw new MalformedEventException("event " + event.id() + " has no data");
        }
        try {
            return mapper.treeToValue(event.data(), type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedEventException(
                    "event " + event.id() + " data is not a " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public static boolean isValidTraceparent(String value) {
        return TRACEPARENT.matcher(value).matches()
                && !value.startsWith("ff")
                && !value.substring(3, 35).equals("00000000000000000000000000000000")
                && !value.substring(36, 52).equals("0000000000000000");
    }

    /** Where {@code node} holds text the database cannot store ({@link StorableText}) and why, or null. */
    static String unstorableText(JsonNode node, String path) {
        if (node.isTextual()) {
            String reason = StorableText.problem(node.textValue());
            return reason == null ? null : "field " + (path.isEmpty() ? "(root)" : path) + " " + reason;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = unstorableText(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (var field : node.properties()) {
                String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                String reason = StorableText.problem(field.getKey());
                if (reason != null) {
                    return "field name " + StorableText.sanitize(name) + " " + reason;
                }
                String found = unstorableText(field.getValue(), name);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static void requireText(JsonNode tree, String attribute) {
        JsonNode node = tree.get(attribute);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new MalformedEventException("event attribute '" + attribute + "' is missing or not a string");
        }
    }
}
