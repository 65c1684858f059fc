package ai.prometheus.shared.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A CloudEvents 1.0 event in structured JSON mode, with the W3C {@code traceparent} extension so
 * a trace continues across Kafka. Every event any service emits travels in this envelope.
 *
 * @param specversion always {@value #SPEC_VERSION}
 * @param id unique per event; consumers deduplicate on it
 * @param source the emitting service, as a URI reference such as {@code /tool-registry-service}
 * @param type one of {@link EventTypes}
 * @param subject what the event is about, such as {@code invocations/4b1d...}; also the Kafka key
 * @param time when the event happened
 * @param datacontenttype always {@code application/json}
 * @param dataschema the {@code $id} of the JSON Schema the data follows ({@link EventSchemas}); absent in
 *        events from before schemas were published, which consumers still accept
 * @param traceparent the W3C trace context of the operation that caused the event, if any
 * @param data the payload, one of the records in {@code ai.prometheus.shared.event}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        OffsetDateTime time,
        String datacontenttype,
        String dataschema,
        String traceparent,
        JsonNode data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";
    /** The Kafka content-type header value for structured-mode CloudEvents. */
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
    }
}
