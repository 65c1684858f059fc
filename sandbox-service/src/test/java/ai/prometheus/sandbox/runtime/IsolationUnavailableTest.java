package ai.prometheus.sandbox.runtime;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.testing.KafkaProbe;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A host where bubblewrap is missing: the service is not ready, refuses runs with a clear problem,
 * and answers tool invocations as platform failures that reach the guardian.
 */
@QuarkusTest
@TestProfile(IsolationUnavailableTest.NoBubblewrap.class)
class IsolationUnavailableTest {

    /** A topic of its own, so this broken instance never answers anyone else's requests. */
    static final String REQUESTS = Topics.TOOL_INVOCATION_REQUESTS + ".isolation-unavailable-test";

    public static class NoBubblewrap implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sandbox.isolation.bwrap",
                    "/nonexistent/bwrap",
                    "mp.messaging.incoming.tool-invocation-requests.topic",
                    REQUESTS,
                    "mp.messaging.incoming.tool-invocation-requests.dead-letter-queue.topic",
                    REQUESTS + ".dlq");
        }
    }

    @Test
    void theServiceIsNotReadyAndRefusesRunsWithAProblem() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'Sandbox isolation' }.status", equalTo("DOWN"))
                .body(
                        "checks.find { it.name == 'Sandbox isolation' }.data.detail",
                        containsString("bubblewrap is not installed"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of("language", "python", "code", "print(1)"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("detail", containsString("cannot run code"))
                .body("detail", containsString("bubblewrap"));
    }

    @Test
    void aToolInvocationFailsAsAPlatformFaultAndIsReported() {
        EventCodec codec = new EventCodec();
        UUID invocationId = UUID.randomUUID();
        CloudEvent request = codec.create(
                "/tool-registry-service",
                EventTypes.TOOL_INVOCATION_REQUESTED,
                "invocations/" + invocationId,
                new ToolInvocationRequested(
                        invocationId,
                        "echo",
                        1,
                        "fp",
                        "python",
                        "print(1)",
                        JsonNodeFactory.instance.objectNode(),
                        null,
                        "agent-1",
                        null,
                        null,
                        null,
                        null),
                null);
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS);
                KafkaProbe errors = KafkaProbe.on(Topics.ERRORS)) {
            KafkaProbe.send(REQUESTS, request.subject(), codec.encode(request));
            ToolInvocationFailed failed = codec.data(
                    results.await(e -> request.subject().equals(e.subject()), Duration.ofSeconds(60)),
                    ToolInvocationFailed.class);
            assertEquals("INTERNAL_ERROR", failed.status());
            assertTrue(failed.platformFault());
            assertTrue(failed.errorMessage().contains("bubblewrap"), failed.errorMessage());
            ErrorReported error = codec.data(
                    errors.await(
                            e -> EventTypes.ERROR_REPORTED.equals(e.type())
                                    && invocationId
                                            .toString()
                                            .equals(codec.data(e, ErrorReported.class)
                                                    .attributes()
                                                    .get("invocationId")),
                            Duration.ofSeconds(60)),
                    ErrorReported.class);
            assertEquals("sandbox.internal", error.errorType());
        }
    }
}
