package ai.prometheus.sandbox.execution;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import ai.prometheus.sandbox.SandboxApi;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A sandbox with room for one run and no queue: the next request is refused, not queued or run. */
@QuarkusTest
@TestProfile(AdmissionLimitTest.OneSlot.class)
class AdmissionLimitTest {

    public static class OneSlot implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sandbox.admission.concurrency", "1", "sandbox.admission.queue", "0", "sandbox.pool.size", "0");
        }
    }

    @Test
    void aFullSandboxAnswers429WithRetryAfterAndARunningKeyAnswers409() throws Exception {
        // A keyed run first, so the claim's first use (class loading, which held the event loop
        // for seconds on a loaded machine) is over before the slow run's window below opens.
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .header("Idempotency-Key", "warm-" + UUID.randomUUID())
                .contentType(ContentType.JSON)
                .body(SandboxApi.body("bash", "echo warm", Map.of()))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201);
        String key = "slow-" + UUID.randomUUID();
        // Long enough that the two requests below reach the service while it still runs.
        Map<String, Object> slow = SandboxApi.body("bash", "sleep 6; echo done", Map.of());
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> given().auth()
                .oauth2(SandboxApi.RUNNER)
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(slow)
                .when()
                .post("/api/v1/executions")
                .statusCode());
        // The slot is taken once the active-runs gauge shows it.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> given().when().get("/q/metrics").asString().contains("sandbox_runs_active 1.0"));

        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(SandboxApi.body("python", "print(1)", Map.of()))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("detail", containsString("running 1 programs"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(slow)
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");

        org.junit.jupiter.api.Assertions.assertEquals(201, first.get(30, TimeUnit.SECONDS));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(slow)
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(200)
                .body("stdout", equalTo("done\n"));
    }
}
