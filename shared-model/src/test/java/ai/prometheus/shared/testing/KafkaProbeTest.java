package ai.prometheus.shared.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.platform.messaging.EventCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The probe every service's event tests stand on (against the real broker): results of concurrent
 * work arrive in any order (topics have several partitions) and often in one poll, and a test that
 * waits for them one by one must neither miss one nor count one twice.
 */
class KafkaProbeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final EventCodec codec = new EventCodec();

    private static String freshTopic() {
        return "probe-test-" + UUID.randomUUID();
    }

    private void publish(String topic, String subject) {
        CloudEvent event = codec.create("/probe-test", "ai.prometheus.test", subject, Map.of("n", 1), null);
        // One key, so one partition: the order of arrival is the order of sending.
        KafkaProbe.send(topic, "one-partition", codec.encode(event));
    }

    @Test
    void eventsAwaitedInAnotherOrderThanTheyArrivedAreAllFound() {
        String topic = freshTopic();
        try (KafkaProbe probe = KafkaProbe.on(topic)) {
            publish(topic, "first");
            publish(topic, "second");
            publish(topic, "third");
            assertEquals(
                    "third", probe.await(e -> "third".equals(e.subject()), WAIT).subject());
            assertEquals(
                    "first", probe.await(e -> "first".equals(e.subject()), WAIT).subject());
            assertEquals(
                    "second",
                    probe.await(e -> "second".equals(e.subject()), WAIT).subject());
        }
    }

    @Test
    void anEventIsReturnedToOneWaitOnly() {
        String topic = freshTopic();
        try (KafkaProbe probe = KafkaProbe.on(topic)) {
            publish(topic, "once");
            probe.await(e -> "once".equals(e.subject()), WAIT);
            assertThrows(
                    AssertionError.class, () -> probe.await(e -> "once".equals(e.subject()), Duration.ofSeconds(2)));
        }
    }

    @Test
    void collectGivesWhatNoWaitLookedAtIncludingWhatCameInTheSamePollAsAMatch() {
        String topic = freshTopic();
        try (KafkaProbe probe = KafkaProbe.on(topic)) {
            publish(topic, "before");
            publish(topic, "awaited");
            publish(topic, "after-1");
            publish(topic, "after-2");
            probe.await(e -> "awaited".equals(e.subject()), WAIT);
            List<String> late = probe.collect(Duration.ofSeconds(2)).stream()
                    .map(record -> codec.decode(record.value()).subject())
                    .toList();
            // "before" was looked at (and passed over) by the wait; the two after it were not.
            assertEquals(List.of("after-1", "after-2"), late);
        }
    }
}
