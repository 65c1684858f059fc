package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventBudget;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A result far above Kafka's 1 MB message limit: the invocation completes, keeps its full result
 * over REST, and its completed event still leaves the outbox (cut to the event budget), so usage
 * counts it and nothing is left unsent.
 */
@QuarkusTest
class LargeResultTest {

    static final int OUTPUT_CHARS = 3_000_000;

    @Test
    void aThreeMegabyteResultCompletesIsKeptWholeAndItsEventIsPublishedAndCounted() throws Exception {
        String tool = RegistryFixtures.uniqueName("huge");
        RegistryFixtures.register(
                        developer("hugo"),
                        Map.of(
                                "name",
                                tool,
                                "description",
                                "prints a lot",
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of(
                                        "language",
                                        "python",
                                        "code",
                                        "import sys\nsys.stdout.write('x' * " + OUTPUT_CHARS + ")\n",
                                        "limits",
                                        Map.of("outputBytes", 4_000_000, "wallMs", 20_000))))
                .statusCode(201);
        String id;
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            Response response = given().auth()
                    .oauth2(developer("caller-huge"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("arguments", Map.of("city", "x")))
                    .when()
                    .post("/api/v1/tools/" + tool + "/invocations");
            response.then().statusCode(200).body("status", equalTo("COMPLETED"));
            id = response.path("id");
            assertEquals(OUTPUT_CHARS, response.<String>path("result").length());

            CloudEvent event = results.await(
                    e -> EventTypes.TOOL_INVOCATION_COMPLETED.equals(e.type())
                            && id.equals(results.codec()
                                    .data(e, ToolInvocationCompleted.class)
                                    .invocationId()
                                    .toString()),
                    Duration.ofSeconds(30));
            ToolInvocationCompleted completed = results.codec().data(event, ToolInvocationCompleted.class);
            assertTrue(completed.result().textValue().endsWith(EventBudget.MARKER), "the event says it was cut");
            assertEquals(
                    "result",
                    event.data().get(EventBudget.TRUNCATED_FIELDS).get(0).asText());
        }
        // The full value stays retrievable where it is stored.
        String stored = given().auth()
                .oauth2(developer("caller-huge"))
                .when()
                .get("/api/v1/invocations/" + id)
                .then()
                .statusCode(200)
                .extract()
                .path("result");
        assertEquals(OUTPUT_CHARS, stored.length());
        // Usage counts it: the registry consumed its own completed event.
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(developer("hugo"))
                        .when()
                        .get("/api/v1/tools/" + tool + "/usage")
                        .then()
                        .statusCode(200)
                        .body("total.calls", equalTo(1))
                        .body("total.successes", equalTo(1)));
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select count(*) filter (where sent_at is null),"
                                + " count(*) filter (where parked_at is not null) from tool_registry.outbox where message_key = ?")) {
            query.setString(1, "invocations/" + id);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1), "no event of the invocation is left unsent");
                assertEquals(0, rs.getInt(2), "none had to be parked");
            }
        }
    }

    @Test
    void aThreeMegabyteAsyncResultTravelsByReferenceAndArrivesWhole() throws Exception {
        String tool = RegistryFixtures.uniqueName("hugeasync");
        RegistryFixtures.register(
                        developer("hugo"),
                        Map.of(
                                "name",
                                tool,
                                "description",
                                "prints a lot, later",
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of(
                                        "language",
                                        "python",
                                        "code",
                                        "import sys\nsys.stdout.write('y' * " + OUTPUT_CHARS + ")\n",
                                        "limits",
                                        Map.of("outputBytes", 4_000_000, "wallMs", 20_000))))
                .statusCode(201);
        String id;
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            id = given().auth()
                    .oauth2(developer("caller-hugeasync"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("arguments", Map.of("city", "x"), "mode", "async"))
                    .when()
                    .post("/api/v1/tools/" + tool + "/invocations")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            // The sandbox's event: within its budget (the sandbox's result limit plus room for the
            // other fields, far below the broker's limit), the result cut and named as cut.
            CloudEvent event = results.await(
                    e -> EventTypes.TOOL_INVOCATION_COMPLETED.equals(e.type())
                            && id.equals(results.codec()
                                    .data(e, ToolInvocationCompleted.class)
                                    .invocationId()
                                    .toString()),
                    Duration.ofSeconds(60));
            int eventBytes = results.codec().encode(event).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertTrue(eventBytes <= 262_144 + 16 * 1024 + 2048, "the event takes " + eventBytes + " bytes");
            ToolInvocationCompleted completed = results.codec().data(event, ToolInvocationCompleted.class);
            assertTrue(completed.result().textValue().endsWith(EventBudget.MARKER), "the event says it was cut");
            assertTrue(EventBudget.truncated(event.data(), "result"));
        }
        // The registry fetched the whole result from the sandbox, as itself, and stored it.
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth()
                        .oauth2(developer("caller-hugeasync"))
                        .when()
                        .get("/api/v1/invocations/" + id)
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("COMPLETED")));
        String stored = given().auth()
                .oauth2(developer("caller-hugeasync"))
                .when()
                .get("/api/v1/invocations/" + id)
                .then()
                .statusCode(200)
                .extract()
                .path("result");
        assertEquals("y".repeat(OUTPUT_CHARS), stored);
    }

    @Test
    void aMisspeltModeFieldIsRefusedInsteadOfRunningSynchronously() {
        String tool = RegistryFixtures.registerWeatherTool("hugo", "strict");
        given().auth()
                .oauth2(developer("caller-strict"))
                .contentType(ContentType.JSON)
                .body("{\"arguments\": {\"city\": \"Oslo\"}, \"async\": true}")
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("async"))
                .body("errors[0].reason", org.hamcrest.Matchers.containsString("mode"));
        given().auth()
                .oauth2(developer("caller-strict"))
                .contentType(ContentType.JSON)
                .body("{\"arguments\": {\"city\": \"Os\\u0000lo\"}}")
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("arguments.city"));
    }
}
