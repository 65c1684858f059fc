package ai.prometheus.sandbox.invocation;

import ai.prometheus.shared.platform.messaging.EventCodec;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Sends the progress and log lines of an asynchronous run to the registry while it runs, on
 * {@code Topics.TOOL_INVOCATION_PROGRESS} keyed by invocation id (one partition keeps a run's
 * order). Straight to Kafka rather than through the outbox: these events are live news, the
 * result event stays the durable record, and a line lost to a broker outage costs a follower one
 * update. The emitter never blocks the run's stderr pump: when Kafka cannot keep up, lines are dropped.
 */
@ApplicationScoped
public class RunProgress {

    private static final Logger LOG = Logger.getLogger(RunProgress.class);

    @Inject
    @Channel("tool-invocation-progress")
    @OnOverflow(OnOverflow.Strategy.DROP)
    Emitter<String> emitter;

    private final InvocationEvents events;
    private final EventCodec codec;

    public RunProgress(InvocationEvents events, EventCodec codec) {
        this.events = events;
        this.codec = codec;
    }

    /** The listener for one run's events; called on the run's I/O thread, in the order the tool wrote them. */
    Consumer<JsonNode> of(UUID invocationId, String traceparent) {
        AtomicInteger sequence = new AtomicInteger();
        String key = invocationId.toString();
        return event -> {
            String payload =
                    codec.encode(events.progress(invocationId, sequence.getAndIncrement(), event, traceparent));
            try {
                emitter.send(Message.of(payload)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(key)
                                .build()));
            } catch (RuntimeException refused) {
                // A channel that cannot take more (broker gone, buffer full) costs this line, never the run.
                LOG.debugf("A progress line of invocation %s was not sent: %s", invocationId, refused);
            }
        };
    }
}
