package ai.prometheus.guardian.intake;

import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.platform.inbox.TransientFailures;
import ai.prometheus.shared.platform.messaging.EventCodec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads error events from every service. A record that is not a well-formed error event fails
 * here and goes to the dead-letter topic with the reason; it never blocks the partition.
 */
@ApplicationScoped
public class ErrorEventsConsumer {

    private final EventCodec codec;
    private final ErrorIntake intake;

    public ErrorEventsConsumer(EventCodec codec, ErrorIntake intake) {
        this.codec = codec;
        this.intake = intake;
    }

    @Incoming("errors")
    public Uni<Void> consume(String record) {
        return Uni.createFrom()
                .item(() -> codec.decode(record))
                .chain(event -> {
                    if (!EventTypes.ERROR_REPORTED.equals(event.type())) {
                        throw new MalformedEventException("event " + event.id() + " has type '" + event.type()
                                + "', expected " + EventTypes.ERROR_REPORTED);
                    }
                    ErrorReported error = codec.data(event, ErrorReported.class);
                    // Waits out a database outage instead of dead-lettering a good event.
                    return TransientFailures.retried(() -> intake.accept(event.id(), error));
                })
                .replaceWithVoid();
    }
}
