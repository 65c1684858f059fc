package ai.prometheus.sandbox.invocation;

import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.platform.messaging.EventCodec;
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

    private final EventCodec codec;
    private final InvocationService invocations;

    public InvocationRequestsConsumer(EventCodec codec, InvocationService invocations) {
        this.codec = codec;
        this.invocations = invocations;
    }

    @Incoming("tool-invocation-requests")
    public Uni<Void> consume(String record) {
        return Uni.createFrom().item(() -> codec.decode(record)).chain(event -> {
            if (!EventTypes.TOOL_INVOCATION_REQUESTED.equals(event.type())) {
                throw new MalformedEventException("event " + event.id() + " has type '" + event.type() + "', expected "
                        + EventTypes.TOOL_INVOCATION_REQUESTED);
            }
            return invocations.handle(event, codec.data(event, ToolInvocationRequested.class));
        });
    }
}
