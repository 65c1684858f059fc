package ai.prometheus.shared.testing;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Test consumers in groups of their own run read the suite's topics from their end
 * ({@code auto.offset.reset=latest}): a new group would otherwise read the topics' whole history.
 * A record sent before such a group has joined is never read, so a test application that sends
 * right after its start could wait in vain for its own result. {@link #awaitJoined} holds the start
 * (called from a {@code StartupEvent} observer of each service's tests, which runs after the
 * messaging layer started its consumers on threads of their own) until every such channel has its
 * partitions and a fixed position in each: every record sent afterwards is read.
 */
public final class LatestGroups {

    private static final Duration JOIN = Duration.ofSeconds(60);

    private LatestGroups() {}

    /** Waits for every consumer channel of this application configured to start at the topic's end. */
    public static void awaitJoined(KafkaClientService kafka) {
        Config config = ConfigProvider.getConfig();
        for (String channel : kafka.getConsumerChannels()) {
            String reset = config.getOptionalValue(
                            "mp.messaging.incoming." + channel + ".auto.offset.reset", String.class)
                    .orElse("latest"); // Kafka's own default
            if (reset.equals("latest")) {
                awaitJoined(kafka, channel);
            }
        }
    }

    private static void awaitJoined(KafkaClientService kafka, String channel) {
        var consumer = kafka.getConsumer(channel);
        if (consumer == null) {
            throw new IllegalStateException("no Kafka consumer for channel " + channel);
        }
        long deadline = System.nanoTime() + JOIN.toNanos();
        while (consumer.getAssignments().await().atMost(JOIN).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("channel " + channel + " got no partition within " + JOIN);
            }
            pause();
        }
        // A new group's position is looked up lazily, at its first fetch: fixed here instead.
        consumer.runOnPollingThread((Consumer<Object, Object> client) -> {
                    for (TopicPartition partition : client.assignment()) {
                        client.position(partition);
                    }
                })
                .await()
                .atMost(JOIN);
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
