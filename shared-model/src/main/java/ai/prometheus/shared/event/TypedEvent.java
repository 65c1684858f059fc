package ai.prometheus.shared.event;

import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A received event whose data has been read as its payload record: the envelope's attributes
 * and the typed data, so a consumer never reads the data of an event it has not checked the type of.
 *
 * @param envelope the event as it arrived, its data still JSON (for checks such as {@link EventBudget#truncated})
 * @param data the payload, read as the record its {@code type} carries
 */
public record TypedEvent<T>(CloudEvent envelope, T data) {

    public TypedEvent {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(data, "data");
    }

    /** Unique per event; consumers deduplicate on it. */
    public String id() {
        return envelope.id();
    }

    public String type() {
        return envelope.type();
    }

    /** The emitting service, such as {@code /tool-registry-service}. */
    public String source() {
        return envelope.source();
    }

    public String subject() {
        return envelope.subject();
    }

    public OffsetDateTime time() {
        return envelope.time();
    }

    /** The W3C trace context of the operation that caused the event, or null. */
    public String traceparent() {
        return envelope.traceparent();
    }
}
