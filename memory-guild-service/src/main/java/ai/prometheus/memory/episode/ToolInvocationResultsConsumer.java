package ai.prometheus.memory.episode;

import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.messaging.EventHandlers;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads tool-invocation results. Completed and failed invocations become episodes; other event
 * types on the topic are none of this service's business and are skipped. A record that cannot be
 * read fails here and goes to the dead-letter topic with the reason.
 */
@ApplicationScoped
public class ToolInvocationResultsConsumer {

    private final EventHandlers handlers;

    public ToolInvocationResultsConsumer(EventCodec codec, EpisodeRecorder recorder) {
        this.handlers = EventHandlers.of(codec)
                .on(
                        EventTypes.TOOL_INVOCATION_COMPLETED,
                        ToolInvocationCompleted.class,
                        event -> recorder.record(event.id(), Episode.of(event.data(), event.source(), event.time())))
                .on(
                        EventTypes.TOOL_INVOCATION_FAILED,
                        ToolInvocationFailed.class,
                        event -> recorder.record(event.id(), Episode.of(event.data(), event.source(), event.time())))
                .skipOthers();
    }

    @Incoming("tool-invocation-results")
    public Uni<Void> consume(String record) {
        return handlers.handle(record);
    }
}
