package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.event.CloudEvent;
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

/**
 * A synchronous call that outlives the registry's wait answers 504 and is recorded: the timeout
 * fires on a timer thread, and recording it must still run in a proper database transaction.
 */
@QuarkusTest
@TestProfile(SandboxTimeoutTest.ShortWait.class)
class SandboxTimeoutTest {

    public static class ShortWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("registry.invocation.max-sync-wait", "2s");
        }
    }

    @Test
    void aRunLongerThanTheWaitAnswers504AndIsRecordedAsAPlatformFailure() {
        String name = RegistryFixtures.uniqueName("sleepy");
        RegistryFixtures.register(
                        developer("tim"),
                        Map.of(
                                "name",
                                name,
                                "description",
                                "sleeps",
                                "functionSignature",
                                Map.of("type", "object"),
                                "implementation",
                                Map.of("language", "python", "code", "import time\ntime.sleep(6)\nprint('{}')")))
                .statusCode(201);
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            Response response = given().auth()
                    .oauth2(developer("tim"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("arguments", Map.of()))
                    .when()
                    .post("/api/v1/tools/" + name + "/invocations");
            response.then()
                    .statusCode(504)
                    .contentType("application/problem+json")
                    .body("detail", containsString("in time"));
            String detail = response.path("detail");
            UUID invocationId = UUID.fromString(detail.replaceAll(".*invocation ([0-9a-f-]{36}).*", "$1"));

            given().auth()
                    .oauth2(developer("tim"))
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
        }
    }
}
