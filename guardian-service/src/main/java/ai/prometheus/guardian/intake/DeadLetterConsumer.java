package ai.prometheus.guardian.intake;

import ai.prometheus.shared.platform.inbox.TransientFailures;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads every dead-letter topic of the suite (a pattern subscription, so topics created later
 * are picked up too) and records each dead letter as an error of the service that gave up on it.
 * Every dead letter is storable by construction; while the database is down, storing waits and
 * retries (the partition waits with it), so nothing is skipped and the channel recovers on its own.
 */
@ApplicationScoped
public class DeadLetterConsumer {

    private final DeadLetters deadLetters;
    private final ErrorIntake intake;

    public DeadLetterConsumer(DeadLetters deadLetters, ErrorIntake intake) {
        this.deadLetters = deadLetters;
        this.intake = intake;
    }

    @Incoming("dead-letters")
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        return Uni.createFrom()
                .item(() -> deadLetters.toError(record))
                .chain(error -> TransientFailures.retried(() -> intake.accept(DeadLetters.eventId(record), error)))
                .replaceWithVoid();
    }
}
