package ai.prometheus.guardian.remediation;

import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.platform.inbox.ProcessedEvents;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.remediation.RemediationResult;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Reads the acting services' answers to remediation commands and completes the actions. */
@ApplicationScoped
public class CommandResultsConsumer {

    static final String CONSUMER = "guardian.command-results";

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final ActionService actions;

    public CommandResultsConsumer(EventCodec codec, ProcessedEvents processed, ActionService actions) {
        this.codec = codec;
        this.processed = processed;
        this.actions = actions;
    }

    @Incoming("command-results")
    public Uni<Void> consume(String record) {
        return Uni.createFrom()
                .item(() -> codec.decode(record))
                .chain(event -> {
                    if (!EventTypes.REMEDIATION_RESULT.equals(event.type())) {
                        throw new MalformedEventException("event " + event.id() + " has type '" + event.type()
                                + "', expected " + EventTypes.REMEDIATION_RESULT);
                    }
                    RemediationResult result = codec.data(event, RemediationResult.class);
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
                })
                .replaceWithVoid();
    }
}
