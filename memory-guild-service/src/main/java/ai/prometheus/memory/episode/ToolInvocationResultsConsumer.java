package ai.prometheus.memory.episode;

import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.platform.messaging.EventCodec;
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

    private final EventCodec codec;
    private final EpisodeRecorder recorder;

    public ToolInvocationResultsConsumer(EventCodec codec, EpisodeRecorder recorder) {
        this.codec = codec;
        this.recorder = recorder;
    }

    @Incoming("tool-invocation-results")
    public Uni<Void> consume(String record) {
        return Uni.createFrom()
                .item(() -> codec.decode(record))
                .chain(event -> switch (event.type()) {
                    case EventTypes.TOOL_INVOCATION_COMPLETED ->
                        recorder.record(
                                event.id(),
                                Episode.of(
                                        codec.data(event, ToolInvocationCompleted.class),
                                        event.source(),
                                        event.time()));
                    case EventTypes.TOOL_INVOCATION_FAILED ->
                        recorder.record(
                                event.id(),
                                Episode.of(
                                        codec.data(event, ToolInvocationFailed.class), event.source(), event.time()));
                    default -> Uni.createFrom().item(false);
                })
                .replaceWithVoid();
    }
}
