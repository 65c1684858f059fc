package ai.prometheus.sandbox.execution;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Without {@code sandbox.pool.size} the pool holds one sandbox per run slot: as many runs as may run
 * at once all start warm, none falls back to a cold start.
 */
@QuarkusTest
@TestProfile(ConcurrentRunsTest.ThreeSlots.class)
class ConcurrentRunsTest {

    private static final int SLOTS = 3;

    public static class ThreeSlots implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Three slots, more than the two cores of a small machine, so the count is the setting's.
            return Map.of("sandbox.admission.concurrency", String.valueOf(SLOTS));
        }
    }

    @Inject
    SandboxRuntime runtime;

    @Inject
    SandboxConfig config;

    @Test
    void asManyConcurrentRunsAsSlotsAllStartWarm() throws Exception {
        assertEquals(SLOTS, config.runSlots());
        assertEquals(SLOTS, config.poolSize());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> runtime.warmSandboxes().getOrDefault("python", 0) == SLOTS);

        ExecutorService callers = Executors.newFixedThreadPool(SLOTS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<String>> runs = new ArrayList<>();
            for (int i = 0; i < SLOTS; i++) {
                String marker = "run-" + i;
                runs.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                go.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IllegalStateException(e);
                            }
                            // Long enough that all of them run at once.
                            return SandboxApi.run("python", "import time; time.sleep(0.5); print('" + marker + "')")
                                    .body("stdout", equalTo(marker + "\n"))
                                    .extract()
                                    .<String>path("id");
                        },
                        callers));
            }
            go.countDown();
            for (CompletableFuture<String> run : runs) {
                given().auth()
                        .oauth2(SandboxApi.RUNNER)
                        .when()
                        .get("/api/v1/executions/" + run.get())
                        .then()
                        .statusCode(200)
                        .body("warm", equalTo(true));
            }
        } finally {
            callers.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> runtime.warmSandboxes().getOrDefault("python", 0) == SLOTS);
    }
}
