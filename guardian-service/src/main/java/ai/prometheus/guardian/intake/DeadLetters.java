package ai.prometheus.guardian.intake;

import ai.prometheus.guardian.config.GuardianConfig;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.config.SuiteConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.tracing.TraceContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns a record some consumer of the suite gave up on into an error of the service that owns
 * that consumer. Dead-letter topics are named {@code <topic>.<consumer group>.dlq} and carry the
 * reason in SmallRye's {@code dead-letter-*} headers; whatever is missing is described, never
 * guessed, and everything is cut to the intake limits so a dead letter is always storable.
 */
@ApplicationScoped
public class DeadLetters {

    public static final String ERROR_TYPE = "dead-letter";

    private final List<String> services;
    private final GuardianConfig.Intake limits;
    private final EventCodec codec;

    public DeadLetters(GuardianConfig config, SuiteConfig suite, EventCodec codec) {
        // The suite's services own the consumer groups: a group named after one (plus a suffix) is that service's.
        // Longest first, so "tool-registry-service-results" belongs to tool-registry-service, not a shorter prefix.
        this.services = suite.services().stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        this.limits = config.intake();
        this.codec = codec;
    }

    /** The idempotency key of a dead letter: where it sits in Kafka. */
    public static String eventId(ConsumerRecord<?, ?> record) {
        return "dlq:" + record.topic() + ":" + record.partition() + ":" + record.offset();
    }

    public ErrorReported toError(ConsumerRecord<String, String> record) {
        String originalTopic = header(record, "dead-letter-topic");
        String group = consumerGroup(record.topic(), originalTopic);
        if (originalTopic == null) {
            originalTopic = originalTopic(record.topic(), group);
        }
        String reason = header(record, "dead-letter-reason");
        String message = "a record of " + originalTopic + " was dead-lettered by consumer group " + group + ": "
                + (reason == null || reason.isBlank() ? "no reason recorded" : reason);
        CloudEvent original = decodeQuietly(record.value());

        Map<String, String> attributes = new LinkedHashMap<>();
        put(attributes, "topic", originalTopic);
        put(attributes, "consumerGroup", group);
        put(attributes, "deadLetterTopic", record.topic());
        put(attributes, "deadLetterPartition", Integer.toString(record.partition()));
        put(attributes, "deadLetterOffset", Long.toString(record.offset()));
        put(attributes, "partition", header(record, "dead-letter-partition"));
        put(attributes, "offset", header(record, "dead-letter-offset"));
        put(attributes, "exception", header(record, "dead-letter-exception-class-name"));
        put(attributes, "cause", header(record, "dead-letter-cause"));
        put(attributes, "key", record.key());
        put(attributes, "eventId", original == null ? null : original.id());
        put(attributes, "eventType", original == null ? null : original.type());
        put(
                attributes,
                "payloadChars",
                record.value() == null ? "0" : Integer.toString(record.value().length()));
        put(attributes, "payload", record.value());

        return new ErrorReported(
                cut(ownerOf(group), ErrorValidation.MAX_SERVICE),
                ERROR_TYPE,
                cut(message, limits.maxMessageChars()),
                null,
                traceId(record, original),
                attributes,
                record.timestamp() > 0 ? Instant.ofEpochMilli(record.timestamp()) : null);
    }

    /** {@code <topic>.<group>.dlq}: the group is what sits between the original topic and the suffix. */
    static String consumerGroup(String deadLetterTopic, String originalTopic) {
        String withoutSuffix = deadLetterTopic.endsWith(Topics.DEAD_LETTER_SUFFIX)
                ? deadLetterTopic.substring(0, deadLetterTopic.length() - Topics.DEAD_LETTER_SUFFIX.length())
                : deadLetterTopic;
        if (originalTopic != null && withoutSuffix.startsWith(originalTopic + ".")) {
            return withoutSuffix.substring(originalTopic.length() + 1);
        }
        // Without the header, groups (which hold no dots in this suite) are the last segment.
        return withoutSuffix.substring(withoutSuffix.lastIndexOf('.') + 1);
    }

    private static String originalTopic(String deadLetterTopic, String group) {
        String suffix = "." + group + Topics.DEAD_LETTER_SUFFIX;
        return deadLetterTopic.endsWith(suffix)
                ? deadLetterTopic.substring(0, deadLetterTopic.length() - suffix.length())
                : deadLetterTopic;
    }

    /** The service a consumer group belongs to: groups are named after their service, maybe with a suffix. */
    String ownerOf(String group) {
        for (String service : services) {
            if (group.equals(service) || group.startsWith(service + "-")) {
                return service;
            }
        }
        return group;
    }

    private String traceId(ConsumerRecord<String, String> record, CloudEvent original) {
        String traceparent = header(record, "traceparent");
        if (traceparent == null && original != null) {
            traceparent = original.traceparent();
        }
        return traceparent != null && EventCodec.isValidTraceparent(traceparent)
                ? TraceContext.traceIdOf(traceparent)
                : null;
    }

    private CloudEvent decodeQuietly(String value) {
        try {
            return value == null ? null : codec.decode(value);
        } catch (RuntimeException e) {
            return null; // often the very reason it was dead-lettered
        }
    }

    private void put(Map<String, String> attributes, String key, String value) {
        if (value != null) {
            attributes.put(key, cut(value, limits.maxAttributeValueChars()));
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }
}
