package ai.prometheus.guardian.remediation;

import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.event.TypedEvent;
import ai.prometheus.shared.platform.inbox.ProcessedEvents;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.messaging.EventHandlers;
import ai.prometheus.shared.remediation.RemediationResult;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Reads the acting services' answers to remediation commands and completes the actions. */
@ApplicationScoped
public class CommandResultsConsumer {

    static final String CONSUMER = "guardian.command-results";

    private final ProcessedEvents processed;
    private final ActionService actions;
    private final EventHandlers handlers;

    public CommandResultsConsumer(EventCodec codec, ProcessedEvents processed, ActionService actions) {
        this.processed = processed;
        this.actions = actions;
        this.handlers = EventHandlers.of(codec)
                .on(EventTypes.REMEDIATION_RESULT, RemediationResult.class, this::complete)
                .refuseOthers();
    }

    @Incoming("command-results")
    public Uni<Void> consume(String record) {
        return handlers.handle(record);
    }

    private Uni<?> complete(TypedEvent<RemediationResult> event) {
        RemediationResult result = event.data();
        if (result.actionId() == null) {
            throw new MalformedEventException("event " + event.id() + " names no actionId");
        }
        return processed.onceInTransaction(
                CONSUMER,
                event.id(),
                () -> actions.complete(
                        result.actionId(),
                        result.applied(),
                        result.changed(),
                        result.message(),
                        RemediationAction.REFUSED));
    }
}
