package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.testing.KafkaProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** When the sandbox cannot be reached, the caller gets a clear 503 and nothing is lost or left half-done. */
@QuarkusTest
@TestProfile(SandboxUnavailableTest.NoSandbox.class)
class SandboxUnavailableTest {

    public static class NoSandbox implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A port nothing listens on: connections are refused at once.
            return Map.of("quarkus.rest-client.sandbox.url", "http://127.0.0.1:9");
        }
    }

    @Test
    void unreachableSandboxAnswers503AndRecordsAPlatformFailure() {
        String tool = RegistryFixtures.registerWeatherTool("ivy", "nosandbox");
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS);
                KafkaProbe errors = KafkaProbe.on(Topics.ERRORS)) {
            Response response = given().auth()
                    .oauth2(developer("ivy"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("arguments", Map.of("city", "Oslo")))
                    .when()
                    .post("/api/v1/tools/" + tool + "/invocations");
            response.then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                    .body("detail", containsString("unreachable"));
            String detail = response.path("detail");
            UUID invocationId = UUID.fromString(detail.replaceAll(".*invocation ([0-9a-f-]{36}).*", "$1"));

            given().auth()
                    .oauth2(developer("ivy"))
                    .when()
                    .get("/api/v1/invocations/" + invocationId)
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("FAILED"))
                    .body("sandboxStatus", equalTo("INTERNAL_ERROR"));

            CloudEvent failed = results.await(
                    e -> EventTypes.TOOL_INVOCATION_FAILED.equals(e.type())
                            && invocationId.equals(results.codec()
                                    .data(e, ToolInvocationFailed.class)
                                    .invocationId()),
                    Duration.ofSeconds(20));
            assertTrue(results.codec().data(failed, ToolInvocationFailed.class).platformFault());

            CloudEvent reported = errors.await(
                    e -> EventTypes.ERROR_REPORTED.equals(e.type())
                            && invocationId
                                    .toString()
                                    .equals(errors.codec()
                                            .data(e, ErrorReported.class)
                                            .attributes()
                                            .get("invocationId")),
                    Duration.ofSeconds(20));
            ErrorReported error = errors.codec().data(reported, ErrorReported.class);
            assertEquals("tool.invocation.internal_error", error.errorType());
            assertEquals(tool, error.attributes().get("tool"));
        }
    }
}
