package ai.prometheus.shared.testing;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.platform.messaging.EventCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Watches a topic on the real broker from the moment it is opened, so a test can assert that an
 * event was published; and sends raw records, so a test can play a producer (or a redelivery).
 */
public final class KafkaProbe implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final EventCodec codec = new EventCodec();
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();
    private final List<Candidate> candidates = new ArrayList<>();

    private KafkaProbe(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Engines.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = partitionsOf(topic);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end offsets now, before the test acts
    }

    /** Starts watching {@code topic} (created if the broker auto-creates topics). */
    public static KafkaProbe on(String topic) {
        return new KafkaProbe(topic);
    }

    /**
     * Makes sure {@code topic} exists, with its partitions, before a service under test subscribes
     * to it. A consumer group that joined before its topic existed got no partitions of it, and
     * learns of them only at a later metadata refresh (a test run's new topic went unread for a
     * minute).
     */
    public static void ensureTopic(String topic) {
        new KafkaProbe(topic).close();
    }

    /**
     * Waits until an event matching {@code match} has arrived, failing after {@code timeout}. Every
     * record that arrived since the probe opened and no earlier wait returned is a candidate, in
     * arrival order: a test may wait for its events in any order, whatever order the broker
     * delivered them in, and none is lost because it came in the same poll as an earlier match.
     * A record one wait passed over is offered again to the next, so {@code match} may see it twice.
     */
    public CloudEvent await(Predicate<CloudEvent> match, Duration timeout) {
        ConsumerRecord<String, String> found = next(
                record -> {
                    CloudEvent event = decoded(record);
                    return event != null && match.test(event);
                },
                timeout);
        if (found == null) {
            throw new AssertionError("no matching event within " + timeout + "; saw " + seen.size() + " records: "
                    + seen.stream().map(ConsumerRecord::value).collect(Collectors.joining("\n")));
        }
        return decoded(found);
    }

    /**
     * Waits until a raw record matching {@code match} has arrived (dead-letter topics carry what is
     * not an event), failing after {@code timeout} with {@code what} did not arrive. Candidates as
     * for {@link #await}.
     */
    public ConsumerRecord<String, String> awaitRecord(
            Predicate<ConsumerRecord<String, String>> match, Duration timeout, String what) {
        ConsumerRecord<String, String> found = next(match, timeout);
        if (found == null) {
            throw new AssertionError(what + " did not arrive within " + timeout + "; saw " + seen.size() + " records");
        }
        return found;
    }

    /**
     * The records no wait has looked at yet, and every record that arrives within {@code window}:
     * what came after the events a test waited for (a redelivery answered twice, say).
     */
    public List<ConsumerRecord<String, String>> collect(Duration window) {
        Instant deadline = Instant.now().plus(window);
        while (Instant.now().isBefore(deadline)) {
            poll();
        }
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (!candidate.examined) {
                candidate.examined = true;
                records.add(candidate.record);
            }
        }
        return records;
    }

    private ConsumerRecord<String, String> next(Predicate<ConsumerRecord<String, String>> match, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        int scanned = 0;
        while (true) {
            for (; scanned < candidates.size(); scanned++) {
                Candidate candidate = candidates.get(scanned);
                candidate.examined = true;
                if (match.test(candidate.record)) {
                    candidates.remove(scanned);
                    return candidate.record;
                }
            }
            if (!Instant.now().isBefore(deadline)) {
                return null;
            }
            poll();
        }
    }

    private void poll() {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            seen.add(record);
            candidates.add(new Candidate(record));
        }
    }

    private CloudEvent decoded(ConsumerRecord<String, String> record) {
        try {
            return codec.decode(record.value());
        } catch (MalformedEventException e) {
            return null; // other tests put garbage on shared topics on purpose
        }
    }

    /** A record not yet returned by a wait; examined once any wait or collect has looked at it. */
    private static final class Candidate {
        final ConsumerRecord<String, String> record;
        boolean examined;

        Candidate(ConsumerRecord<String, String> record) {
            this.record = record;
        }
    }

    public EventCodec codec() {
        return codec;
    }

    /** Sends a raw record and waits for the broker to acknowledge it. */
    public static void send(String topic, String key, String value) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Engines.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    private List<TopicPartition> partitionsOf(String topic) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("topic " + topic + " has no partitions");
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
