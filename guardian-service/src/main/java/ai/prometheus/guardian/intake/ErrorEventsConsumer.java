package ai.prometheus.guardian.intake;

import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.TypedEvent;
import ai.prometheus.shared.platform.inbox.TransientFailures;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.messaging.EventHandlers;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads error events from every service. A record that is not a well-formed error event fails
 * here and goes to the dead-letter topic with the reason; it never blocks the partition.
 */
@ApplicationScoped
public class ErrorEventsConsumer {

    private final ErrorIntake intake;
    private final EventHandlers handlers;

    public ErrorEventsConsumer(EventCodec codec, ErrorIntake intake) {
        this.intake = intake;
        this.handlers = EventHandlers.of(codec)
                .on(EventTypes.ERROR_REPORTED, ErrorReported.class, this::accept)
                .refuseOthers();
    }

    @Incoming("errors")
    public Uni<Void> consume(String record) {
        return handlers.handle(record);
    }

    private Uni<?> accept(TypedEvent<ErrorReported> event) {
        // Waits out a database outage instead of dead-lettering a good event.
        return TransientFailures.retried(() -> intake.accept(event.id(), event.data()));
    }
}
