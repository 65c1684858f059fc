package ai.prometheus.sandbox.invocation;

import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.messaging.EventHandlers;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads tool invocation requests, the asynchronous work queue that sandbox replicas share as one
 * consumer group. A record that is not a well-formed request fails here and goes to the
 * dead-letter topic with the reason.
 */
@ApplicationScoped
public class InvocationRequestsConsumer {

    private final EventHandlers handlers;

    public InvocationRequestsConsumer(EventCodec codec, InvocationService invocations) {
        this.handlers = EventHandlers.of(codec)
                .on(EventTypes.TOOL_INVOCATION_REQUESTED, ToolInvocationRequested.class, invocations::handle)
                .refuseOthers();
    }

    @Incoming("tool-invocation-requests")
    public Uni<Void> consume(String record) {
        return handlers.handle(record);
    }
}
