package ai.prometheus.registry.invocation;

import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationProgress;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.messaging.EventHandlers;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The progress and log lines of asynchronous runs, as the sandbox sends them while the code runs:
 * each is appended to its invocation's stored events at once, so a follower on any replica
 * ({@code GET /invocations/{id}/events}) sees it while the run goes, and the invocation keeps them
 * afterwards as a synchronous one does. Appending is idempotent and ordered by the line's
 * sequence number (a redelivered line is one the events already hold), and bounded.
 */
@ApplicationScoped
public class InvocationProgress {

    private final InvocationRepository invocations;
    private final EventHandlers handlers;

    public InvocationProgress(InvocationRepository invocations, EventCodec codec) {
        this.invocations = invocations;
        this.handlers = EventHandlers.of(codec)
                .on(EventTypes.TOOL_INVOCATION_PROGRESS, ToolInvocationProgress.class, line -> append(line.data()))
                .skipOthers();
    }

    @Incoming("invocation-progress")
    public Uni<Void> consume(String record) {
        return handlers.handle(record);
    }

    private Uni<Void> append(ToolInvocationProgress line) {
        if (line.invocationId() == null || line.event() == null || !line.event().isObject() || line.sequence() < 0) {
            return Uni.createFrom().voidItem();
        }
        return invocations.appendEvent(line.invocationId(), line.sequence(), line.event());
    }
}
