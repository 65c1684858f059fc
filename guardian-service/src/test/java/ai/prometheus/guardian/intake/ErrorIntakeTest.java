package ai.prometheus.guardian.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ErrorIntakeTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void errorEventIsStoredOnceEvenWhenDelivered3Times() throws Exception {
        String marker = "disk full " + UUID.randomUUID();
        CloudEvent event = codec.create(
                "/sandbox-service",
                EventTypes.ERROR_REPORTED,
                "services/sandbox-service",
                new ErrorReported(
                        "sandbox-service",
                        "java.io.IOException",
                        marker,
                        "java.io.IOException: disk full\n\tat x.Y(Y.java:1)",
                        "4bf92f3577b34da6a3ce929d0e0e4736",
                        Map.of("tool", "weather"),
                        Instant.now()),
                null);
        String json = codec.encode(event);
        for (int i = 0; i < 3; i++) {
            KafkaProbe.send(Topics.ERRORS, "services/sandbox-service", json);
        }
        // Same key, same partition: once this later event is stored, the copies before it were handled.
        CloudEvent sentinel = codec.create(
                "/sandbox-service",
                EventTypes.ERROR_REPORTED,
                "services/sandbox-service",
                new ErrorReported("sandbox-service", "Sentinel", "sentinel", null, null, Map.of(), Instant.now()),
                null);
        KafkaProbe.send(Topics.ERRORS, "services/sandbox-service", codec.encode(sentinel));

        await().atMost(Duration.ofSeconds(30)).until(() -> countByEvent(sentinel.id()) == 1);
        assertEquals(1, countByEvent(event.id()));

        given().auth()
                .oauth2(TestTokens.withScope("alice", "errors:read"))
                .queryParam("service", "sandbox-service")
                .queryParam("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                .queryParam("size", 200)
                .when()
                .get("/api/v1/errors")
                .then()
                .statusCode(200)
                .body("items.findAll { it.eventId == '" + event.id() + "' }", hasSize(1))
                .body("items.find { it.eventId == '" + event.id() + "' }.errorMessage", equalTo(marker))
                .body("items.find { it.eventId == '" + event.id() + "' }.attributes.tool", equalTo("weather"))
                .body("items.find { it.eventId == '" + event.id() + "' }.fixApplied", equalTo(false));
    }

    @Test
    void malformedRecordGoesToTheDeadLetterTopicWithItsReason() {
        String dlq = Topics.ERRORS + ".guardian-service.dlq";
        try (KafkaProbe probe = KafkaProbe.on(dlq)) {
            String garbage = "{not json " + UUID.randomUUID();
            KafkaProbe.send(Topics.ERRORS, "x", garbage);
            ConsumerRecord<String, String> record = probe.awaitRecord(
                    r -> garbage.equals(r.value()), Duration.ofSeconds(15), "the malformed record on " + dlq);
            String reason =
                    new String(record.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            org.junit.jupiter.api.Assertions.assertTrue(reason.contains("not valid JSON"), reason);
        }
        // The consumer keeps going after the poison record.
        String marker = "after poison " + UUID.randomUUID();
        CloudEvent next = codec.create(
                "/memory-guild-service",
                EventTypes.ERROR_REPORTED,
                "services/memory-guild-service",
                new ErrorReported("memory-guild-service", "E", marker, null, null, Map.of(), Instant.now()),
                null);
        KafkaProbe.send(Topics.ERRORS, "k", codec.encode(next));
        await().atMost(Duration.ofSeconds(20)).until(() -> countByEvent(next.id()) == 1);
    }

    @Test
    void listingNeedsErrorsRead() {
        given().when().get("/api/v1/errors").then().statusCode(401).contentType("application/problem+json");
        given().auth()
                .oauth2(TestTokens.withScope("bob", "tools:read"))
                .when()
                .get("/api/v1/errors")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("errors:read"));
        given().auth()
                .oauth2(TestTokens.withGroups("ops", "operator"))
                .when()
                .get("/api/v1/errors")
                .then()
                .statusCode(200);
    }

    @Test
    void badFiltersAreRejectedNamingTheParameter() {
        String token = TestTokens.withScope("alice", "errors:read");
        given().auth()
                .oauth2(token)
                .queryParam("since", "yesterday")
                .when()
                .get("/api/v1/errors")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("since"));
        given().auth()
                .oauth2(token)
                .queryParam("size", 100000)
                .when()
                .get("/api/v1/errors")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("size"));
        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/errors/not-a-uuid")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("id"));
        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/errors/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    private static long countByEvent(String eventId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select count(*) from guardian.error_logs where event_id = ?")) {
            query.setString(1, eventId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
