package ai.prometheus.sandbox.execution;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.testing.KafkaProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A sandbox that fails to start through no fault of the code (here: node's interpreter is broken on
 * the host) answers the REST caller INTERNAL_ERROR, stores that result and reports it to the
 * guardian with the execution's id, while the other languages keep working.
 */
@QuarkusTest
@TestProfile(PlatformFailureTest.BrokenNode.class)
class PlatformFailureTest {

    public static class BrokenNode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // An interpreter that exits at once: the sandbox never announces itself.
            return Map.of("sandbox.languages.node.executable", "/usr/bin/false", "sandbox.pool.size", "0");
        }
    }

    @Test
    void aSandboxThatCannotStartIsAnInternalErrorStoredAndReported() {
        EventCodec codec = new EventCodec();
        try (KafkaProbe errors = KafkaProbe.on(Topics.ERRORS)) {
            String id = SandboxApi.run("node", "console.log(1)")
                    .body("status", equalTo("INTERNAL_ERROR"))
                    .body("stdout", equalTo(""))
                    .extract()
                    .path("id");
            given().auth()
                    .oauth2(SandboxApi.RUNNER)
                    .when()
                    .get("/api/v1/executions/" + id)
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("INTERNAL_ERROR"))
                    .body("message", containsString("failed to start"));
            ErrorReported error = codec.data(
                    errors.await(
                            e -> EventTypes.ERROR_REPORTED.equals(e.type())
                                    && id.equals(codec.data(e, ErrorReported.class)
                                            .attributes()
                                            .get("executionId")),
                            Duration.ofSeconds(60)),
                    ErrorReported.class);
            assertEquals("sandbox.internal", error.errorType());
            assertEquals("node", error.attributes().get("language"));
        }
        SandboxApi.run("python", "print(6 * 7)").body("status", equalTo("OK")).body("stdout", equalTo("42\n"));
    }

    @Test
    void aWallLimitThatRunsOutWhileTheSandboxStartsIsTheRunsTimeoutNotAPlatformFault() {
        // Cold starts only (no pool here): the limit ends the start at every point of it, before
        // the interpreter announced itself, while it joins its cgroup, or once the code runs.
        for (int wallMs : new int[] {1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144}) {
            for (String language : new String[] {"bash", "python"}) {
                String status = SandboxApi.run(
                                language, "bash".equals(language) ? "true" : "pass", Map.of("wallMs", wallMs))
                        .extract()
                        .path("status");
                // Never a platform fault. (A program that exits just as its wall limit is reached may
                // still be reported OK: its exit can beat the kill, on a loaded machine too.)
                assertTrue(
                        status.equals("TIMEOUT_WALL") || status.equals("OK"),
                        language + " with wallMs " + wallMs + ": " + status);
            }
        }
    }
}
