package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.registry.RegistryEngines;
import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.testing.KafkaProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Asynchronous invocations: 202 at once, then Kafka to the sandbox consumer group and back. */
@QuarkusTest
class AsyncInvocationTest {

    private static String tool(String prefix, String code) {
        String name = RegistryFixtures.uniqueName(prefix);
        RegistryFixtures.register(
                        developer("ada"),
                        Map.of(
                                "name",
                                name,
                                "description",
                                "async test tool",
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of("language", "python", "code", code)))
                .statusCode(201);
        return name;
    }

    @Test
    void asyncInvocationCompletesThroughKafka() {
        String tool = tool("async_echo", RegistryFixtures.ECHO_PYTHON);
        try (KafkaProbe requests = KafkaProbe.on(RegistryEngines.REQUESTS)) {
            String beaWithMemory = ai.prometheus.shared.testing.TestTokens.withScope(
                    "bea", "tools:read tools:invoke memory:write:ctx-bea");
            Response accepted = given().auth()
                    .oauth2(beaWithMemory)
                    .contentType(ContentType.JSON)
                    .body(Map.of("arguments", Map.of("city", "Turin"), "mode", "async"))
                    .when()
                    .post("/api/v1/tools/" + tool + "/invocations");
            accepted.then()
                    .statusCode(202)
                    .header("Location", containsString("/api/v1/invocations/"))
                    .body("status", equalTo("PENDING"))
                    .body("mode", equalTo("async"));
            String id = accepted.path("id");

            CloudEvent request = requests.await(
                    e -> EventTypes.TOOL_INVOCATION_REQUESTED.equals(e.type())
                            && id.equals(requests.codec()
                                    .data(e, ToolInvocationRequested.class)
                                    .invocationId()
                                    .toString()),
                    Duration.ofSeconds(20));
            ToolInvocationRequested sent = requests.codec().data(request, ToolInvocationRequested.class);
            assertEquals("python", sent.language());
            assertEquals("Turin", sent.arguments().get("city").asText());
            assertEquals("invocations/" + id, request.subject());
            // Only what a consumer decides with travels: the memory permission, not the tool ones.
            assertEquals(
                    java.util.List.of("memory:write:ctx-bea"),
                    sent.callerClaims().permissions());

            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> given().auth()
                            .oauth2(developer("bea"))
                            .when()
                            .get("/api/v1/invocations/" + id)
                            .then()
                            .statusCode(200)
                            .body("status", equalTo("COMPLETED"))
                            .body("result.city", equalTo("Turin"))
                            .body("sandboxStatus", equalTo("OK")));
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(developer("ada"))
                        .when()
                        .get("/api/v1/tools/" + tool + "/usage")
                        .then()
                        .statusCode(200)
                        .body("total.calls", equalTo(1))
                        .body("total.successes", equalTo(1)));
    }

    @Test
    void asyncFailureIsRecordedAndReportedToTheGuardian() {
        String tool = tool("async_fail", "import sys\nsys.stderr.write('no such city')\nsys.exit(2)");
        try (KafkaProbe errors = KafkaProbe.on(Topics.ERRORS)) {
            String id = given().auth()
                    .oauth2(developer("bea"))
                    .contentType(ContentType.JSON)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .body(Map.of("arguments", Map.of("city", "Nowhere"), "mode", "async"))
                    .when()
                    .post("/api/v1/tools/" + tool + "/invocations")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> given().auth()
                            .oauth2(developer("bea"))
                            .when()
                            .get("/api/v1/invocations/" + id)
                            .then()
                            .statusCode(200)
                            .body("status", equalTo("FAILED"))
                            .body("sandboxStatus", equalTo("RUNTIME_ERROR"))
                            .body("error", containsString("no such city")));
            CloudEvent event = errors.await(
                    e -> EventTypes.ERROR_REPORTED.equals(e.type())
                            && id.equals(errors.codec()
                                    .data(e, ErrorReported.class)
                                    .attributes()
                                    .get("invocationId")),
                    Duration.ofSeconds(20));
            assertEquals(
                    "tool.invocation.runtime_error",
                    errors.codec().data(event, ErrorReported.class).errorType());
        }
    }
}
