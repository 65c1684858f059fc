package ai.prometheus.guardian.intake;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.guardian.Db;
import ai.prometheus.guardian.ErrorEvents;
import ai.prometheus.guardian.Names;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DeadLetterIntakeTest {

    @Test
    void aDeadLetterOfAnyServiceIsRecordedAsThatServicesError() throws Exception {
        String payload = "{\"broken\": \"" + Names.unique("payload-") + "\"";
        String dlq = Topics.deadLetter(Topics.TOOL_INVOCATION_REQUESTS, "sandbox-service");
        ProducerRecord<String, String> record = new ProducerRecord<>(dlq, "invocations/42", payload);
        record.headers()
                .add(
                        "dead-letter-reason",
                        "event is not valid JSON: Unexpected end-of-input".getBytes(StandardCharsets.UTF_8));
        record.headers().add("dead-letter-topic", Topics.TOOL_INVOCATION_REQUESTS.getBytes(StandardCharsets.UTF_8));
        record.headers().add("dead-letter-partition", "1".getBytes(StandardCharsets.UTF_8));
        record.headers().add("dead-letter-offset", "77".getBytes(StandardCharsets.UTF_8));
        record.headers()
                .add(
                        "dead-letter-exception-class-name",
                        "ai.prometheus.shared.event.MalformedEventException".getBytes(StandardCharsets.UTF_8));
        send(record);

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        Db.count("select count(*) from guardian.error_logs where attributes ->> 'payload' = ?", payload)
                                == 1);
        assertEquals(
                "sandbox-service",
                Db.single("select service from guardian.error_logs where attributes ->> 'payload' = ?", payload));
        assertEquals(
                "dead-letter",
                Db.single("select error_type from guardian.error_logs where attributes ->> 'payload' = ?", payload));
        assertEquals(
                Topics.TOOL_INVOCATION_REQUESTS,
                Db.single(
                        "select attributes ->> 'topic' from guardian.error_logs where attributes ->> 'payload' = ?",
                        payload));
        assertEquals(
                "77",
                Db.single(
                        "select attributes ->> 'offset' from guardian.error_logs where attributes ->> 'payload' = ?",
                        payload));
        String message = (String)
                Db.single("select error_message from guardian.error_logs where attributes ->> 'payload' = ?", payload);
        assertTrue(message.contains("not valid JSON") && message.contains("sandbox-service"), message);
        assertTrue(Db.single("select group_id from guardian.error_logs where attributes ->> 'payload' = ?", payload)
                != null);
    }

    @Test
    void anOversizedErrorEventGoesToTheDeadLetterTopicWithTheReasonAndIsStillRecorded() {
        String dlq = Topics.deadLetter(Topics.ERRORS, "guardian-service");
        try (KafkaProbe probe = KafkaProbe.on(dlq)) {
            String eventId = ErrorEvents.publish(
                    "memory-guild-service",
                    "java.lang.StackOverflowError",
                    "too deep",
                    "\tat a.B.c(B.java:1)\n".repeat(4_000),
                    null,
                    Map.of());
            ConsumerRecord<String, String> dead = probe.awaitRecord(
                    r -> r.value() != null && r.value().contains(eventId),
                    Duration.ofSeconds(20),
                    "the oversized event on " + dlq);
            String reason =
                    new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("stackTrace") && reason.contains("at most 64000"), reason);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> Db.count(
                                    "select count(*) from guardian.error_logs where error_type = 'dead-letter' and attributes ->> 'eventId' = ?",
                                    eventId)
                            == 1);
            assertEquals(0, Db.count("select count(*) from guardian.error_logs where event_id = ?", eventId));
        }
    }

    @Test
    void anErrorEventHoldingNulIsDeadLetteredWithTheReasonAndItsReportIsStoredSanitised() {
        String dlq = Topics.deadLetter(Topics.ERRORS, "guardian-service");
        String marker = Names.unique("nul-");
        // The escaped NUL is valid JSON but cannot be stored: the consumer must not retry it forever.
        String escaped = "{\"specversion\":\"1.0\",\"id\":\"" + marker + "\",\"source\":\"/fuzz\",\"type\":\""
                + EventTypes.ERROR_REPORTED + "\",\"data\":{\"service\":\"fuzz\",\"errorType\":\"E\","
                + "\"errorMessage\":\"a\\u0000b\"}}";
        try (KafkaProbe probe = KafkaProbe.on(dlq)) {
            KafkaProbe.send(Topics.ERRORS, "fuzz", escaped);
            ConsumerRecord<String, String> dead = probe.awaitRecord(
                    r -> r.value() != null && r.value().contains(marker),
                    Duration.ofSeconds(20),
                    "the event holding NUL on " + dlq);
            String reason =
                    new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("data.errorMessage") && reason.contains("NUL"), reason);
        }
        // A raw NUL in a dead letter's payload (not even JSON) is replaced, so the report is stored.
        String raw = "not json \u0000 " + marker;
        KafkaProbe.send(Topics.deadLetter(Topics.TOOL_INVOCATION_REQUESTS, "sandbox-service"), "k", raw);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Db.count(
                                "select count(*) from guardian.error_logs where error_type = 'dead-letter' and attributes ->> 'payload' = ?",
                                raw.replace('\0', '\uFFFD'))
                        == 1);
    }

    private static void send(ProducerRecord<String, String> record) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Engines.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(record).get();
        }
    }
}
