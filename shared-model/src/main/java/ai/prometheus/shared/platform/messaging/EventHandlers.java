package ai.prometheus.shared.platform.messaging;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.event.TypedEvent;
import io.smallrye.mutiny.Uni;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What one Kafka consumer does with each event type it reads: the record is decoded and checked
 * ({@link EventCodec#decode}), its data read as the record the type names ({@link EventCodec#data}),
 * and the handler of that type called with both. A record that cannot be read, or whose data has
 * the wrong shape, fails the returned {@code Uni} with a {@link MalformedEventException} saying why,
 * so the channel sends it to its dead-letter topic; so does an event of another type, unless the
 * topic carries types this consumer has no business with ({@link Builder#skipOthers}).
 *
 * <pre>{@code
 * handlers = EventHandlers.of(codec)
 *         .on(EventTypes.ERROR_REPORTED, ErrorReported.class, this::accept)
 *         .refuseOthers();
 * ...
 * @Incoming("errors")
 * public Uni<Void> consume(String record) { return handlers.handle(record); }
 * }</pre>
 */
public final class EventHandlers {

    private final EventCodec codec;
    private final Map<String, Function<CloudEvent, Uni<?>>> byType;
    private final boolean skipOthers;

    private EventHandlers(EventCodec codec, Map<String, Function<CloudEvent, Uni<?>>> byType, boolean skipOthers) {
        this.codec = codec;
        this.byType = Collections.unmodifiableMap(new LinkedHashMap<>(byType));
        this.skipOthers = skipOthers;
    }

    public static Builder of(EventCodec codec) {
        return new Builder(codec);
    }

    /** Handles one record; every failure, decoding included, arrives through the {@code Uni}. */
    public Uni<Void> handle(String record) {
        return Uni.createFrom()
                .item(() -> codec.decode(record))
                .chain(this::dispatch)
                .replaceWithVoid();
    }

    private Uni<?> dispatch(CloudEvent event) {
        Function<CloudEvent, Uni<?>> handler = byType.get(event.type());
        if (handler != null) {
            return handler.apply(event);
        }
        if (skipOthers) {
            return Uni.createFrom().voidItem();
        }
        throw new MalformedEventException("event " + event.id() + " has type '" + event.type() + "', expected "
                + String.join(" or ", byType.keySet()));
    }

    public static final class Builder {

        private final EventCodec codec;
        private final Map<String, Function<CloudEvent, Uni<?>>> byType = new LinkedHashMap<>();

        private Builder(EventCodec codec) {
            this.codec = codec;
        }

        /** Events of {@code type} carry a {@code dataClass}, and {@code handler} handles them. */
        public <T> Builder on(String type, Class<T> dataClass, Function<TypedEvent<T>, ? extends Uni<?>> handler) {
            if (byType.putIfAbsent(type, event -> handler.apply(new TypedEvent<>(event, codec.data(event, dataClass))))
                    != null) {
                throw new IllegalArgumentException("a handler for " + type + " is already set");
            }
            return this;
        }

        /** Events of any other type are malformed here: the topic carries only the types handled. */
        public EventHandlers refuseOthers() {
            return new EventHandlers(codec, byType, false);
        }

        /** Events of any other type are skipped: the topic carries types meant for other consumers. */
        public EventHandlers skipOthers() {
            return new EventHandlers(codec, byType, true);
        }
    }
}
