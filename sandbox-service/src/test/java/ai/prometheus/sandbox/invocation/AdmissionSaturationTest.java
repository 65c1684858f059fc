package ai.prometheus.sandbox.invocation;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One run at a time and one waiting: REST runs fill both places, so tool invocations from Kafka
 * wait for admission (retrying with back-off) and then store and publish their results in a
 * database transaction, which must run on the consumer's Vert.x context.
 */
@QuarkusTest
@TestProfile(AdmissionSaturationTest.OneSlotOneWaiting.class)
class AdmissionSaturationTest {

    public static class OneSlotOneWaiting implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sandbox.admission.concurrency", "1", "sandbox.admission.queue", "1", "sandbox.pool.size", "0");
        }
    }

    private final EventCodec codec = new EventCodec();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void invocationsThatWaitForAdmissionCompleteAndAreStored() throws Exception {
        List<UUID> invocations = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            // First make sure the consumer holds its partitions, so the requests below arrive while the sandbox is
            // full.
            UUID warmUp = UUID.randomUUID();
            send(warmUp);
            results.await(e -> ("invocations/" + warmUp).equals(e.subject()), Duration.ofSeconds(60));

            List<CompletableFuture<Integer>> rest = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                rest.add(CompletableFuture.supplyAsync(() -> given().auth()
                        .oauth2(SandboxApi.RUNNER)
                        .contentType(ContentType.JSON)
                        .body(SandboxApi.body("bash", "sleep 4; echo rest", Map.of()))
                        .when()
                        .post("/api/v1/executions")
                        .statusCode()));
            }
            // Both places are taken once one run is active and the other waits.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                String metrics = given().when().get("/q/metrics").asString();
                return metrics.contains("sandbox_runs_active 1.0") && metrics.contains("sandbox_runs_waiting 1.0");
            });
            for (UUID invocation : invocations) {
                send(invocation);
            }
            for (UUID invocation : invocations) {
                CloudEvent event =
                        results.await(e -> ("invocations/" + invocation).equals(e.subject()), Duration.ofSeconds(60));
                assertEquals(
                        EventTypes.TOOL_INVOCATION_COMPLETED,
                        event.type(),
                        event.data().toString());
                assertEquals(
                        invocation.toString(),
                        codec.data(event, ToolInvocationCompleted.class)
                                .result()
                                .get("echo")
                                .asText());
            }
            for (CompletableFuture<Integer> run : rest) {
                assertEquals(201, run.get(60, TimeUnit.SECONDS));
            }
        }
        for (UUID invocation : invocations) {
            assertEquals("OK", statusOf(invocation));
        }
    }

    private void send(UUID invocationId) throws Exception {
        ToolInvocationRequested requested = new ToolInvocationRequested(
                invocationId,
                "echo",
                1,
                "fp-1",
                "python",
                "import json, sys\nprint(json.dumps({'echo': json.load(sys.stdin)['id']}))",
                json.readTree("{\"id\": \"" + invocationId + "\"}"),
                null,
                "agent-1",
                null,
                null,
                null,
                null);
        CloudEvent event = codec.create(
                "/tool-registry-service",
                EventTypes.TOOL_INVOCATION_REQUESTED,
                "invocations/" + invocationId,
                requested,
                null);
        KafkaProbe.send(InvocationConsumerTest.requests(), event.subject(), codec.encode(event));
    }

    private static String statusOf(UUID invocationId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select status from sandbox.executions where invocation_id = ?")) {
            query.setObject(1, invocationId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
