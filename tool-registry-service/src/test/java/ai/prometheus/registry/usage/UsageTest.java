package ai.prometheus.registry.usage;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Usage is counted from invocation events, once per event however often Kafka delivers it. */
@QuarkusTest
class UsageTest {

    private final EventCodec codec = new EventCodec();

    private CloudEvent completed(String tool, String caller, long latencyMs, long cpuMs, long memory) {
        return codec.create(
                "/sandbox-service",
                EventTypes.TOOL_INVOCATION_COMPLETED,
                "invocations/x",
                new ToolInvocationCompleted(
                        UUID.randomUUID(),
                        tool,
                        1,
                        caller,
                        null,
                        "OK",
                        codec.mapper().createObjectNode(),
                        "{}",
                        new ExecutionUsage(latencyMs, cpuMs, memory, 10),
                        latencyMs,
                        Instant.now(),
                        Instant.now(),
                        null,
                        null),
                null);
    }

    private CloudEvent failed(String tool, String caller, String status, long latencyMs) {
        return codec.create(
                "/sandbox-service",
                EventTypes.TOOL_INVOCATION_FAILED,
                "invocations/x",
                new ToolInvocationFailed(
                        UUID.randomUUID(),
                        tool,
                        1,
                        caller,
                        null,
                        status,
                        "boom",
                        1,
                        false,
                        "{}",
                        new ExecutionUsage(latencyMs, 5, 1000, 10),
                        latencyMs,
                        Instant.now(),
                        Instant.now(),
                        null,
                        null),
                null);
    }

    @Test
    void usageCountsEveryCallOnceIncludingRedeliveredEvents() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("uma", "usage");
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            events.add(completed(tool, i % 2 == 0 ? "alice" : "bob", i * 10L, 3, 1_000_000L * i));
        }
        events.add(failed(tool, "alice", "RUNTIME_ERROR", 50));
        events.add(failed(tool, "alice", "RUNTIME_ERROR", 60));
        events.add(failed(tool, "bob", "TIMEOUT_WALL", 5000));
        // One key keeps them in one partition, in order: duplicates arrive after their originals.
        for (CloudEvent event : events) {
            KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, "usage-test", codec.encode(event));
        }
        for (CloudEvent event : events.subList(0, 5)) {
            KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, "usage-test", codec.encode(event));
        }
        CloudEvent sentinel = completed(RegistryFixtures.uniqueName("sentinel"), "x", 1, 1, 1);
        KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, "usage-test", codec.encode(sentinel));
        await().atMost(Duration.ofSeconds(30)).until(() -> processed(sentinel.id()));

        given().auth()
                .oauth2(developer("uma"))
                .queryParam("granularity", "hour")
                .when()
                .get("/api/v1/tools/" + tool + "/usage")
                .then()
                .statusCode(200)
                .body("total.calls", equalTo(23))
                .body("total.successes", equalTo(20))
                .body("total.failures", equalTo(3))
                .body("total.failuresByStatus.RUNTIME_ERROR", equalTo(2))
                .body("total.failuresByStatus.TIMEOUT_WALL", equalTo(1))
                .body("total.maxLatencyMs", equalTo(5000))
                // 23 latencies: 10..200 step 10, 50, 60, 5000; the median is 100 ms (bucket edge within 10%)
                .body(
                        "total.p50LatencyMs",
                        org.hamcrest.Matchers.allOf(
                                org.hamcrest.Matchers.greaterThanOrEqualTo(100),
                                org.hamcrest.Matchers.lessThanOrEqualTo(110)))
                .body(
                        "total.p95LatencyMs",
                        org.hamcrest.Matchers.allOf(
                                org.hamcrest.Matchers.greaterThanOrEqualTo(200),
                                org.hamcrest.Matchers.lessThanOrEqualTo(220)))
                .body("total.cpuMs", equalTo(20 * 3 + 3 * 5))
                .body("total.peakMemoryBytes", equalTo(20_000_000))
                .body("windows", hasSize(1))
                .body("callers", hasSize(2))
                .body("callers.find { it.caller == 'alice' }.stats.calls", equalTo(12))
                .body("callers.find { it.caller == 'bob' }.stats.calls", equalTo(11));
        given().auth()
                .oauth2(developer("uma"))
                .when()
                .get("/api/v1/tools/" + tool + "/usage")
                .then()
                .statusCode(200)
                .body("granularity", equalTo("DAY"))
                .body("total.calls", equalTo(23));
    }

    @Test
    void readersSeeOnlyTheirOwnUsage() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("uma", "mine");
        CloudEvent alice = completed(tool, "alice", 10, 1, 1);
        CloudEvent bob = completed(tool, "bob", 10, 1, 1);
        KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, "usage-test-2", codec.encode(alice));
        KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, "usage-test-2", codec.encode(bob));
        await().atMost(Duration.ofSeconds(30)).until(() -> processed(bob.id()));
        given().auth()
                .oauth2(TestTokens.withScope("alice", "tools:read"))
                .when()
                .get("/api/v1/tools/" + tool + "/usage")
                .then()
                .statusCode(200)
                .body("total.calls", equalTo(1))
                .body("callers.caller", equalTo(List.of("alice")));
        given().auth()
                .oauth2(TestTokens.withScope("alice", "tools:read"))
                .queryParam("caller", "bob")
                .when()
                .get("/api/v1/tools/" + tool + "/usage")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(developer("uma"))
                .queryParam("caller", "bob")
                .when()
                .get("/api/v1/tools/" + tool + "/usage")
                .then()
                .statusCode(200)
                .body("total.calls", equalTo(1));
        given().auth()
                .oauth2(developer("uma"))
                .queryParam("granularity", "week")
                .when()
                .get("/api/v1/tools/" + tool + "/usage")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("granularity"));
    }

    static boolean processed(String eventId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select 1 from tool_registry.processed_events where consumer = 'registry.invocation-results' and event_id = ?")) {
            query.setString(1, eventId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }
}
