package ai.prometheus.sandbox.execution;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.sandbox.host.Language;
import ai.prometheus.sandbox.runtime.RunOutcome;
import ai.prometheus.sandbox.runtime.RunWatch;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * While another warm sandbox waits, a run's replacement and its sandbox's teardown wait until the
 * run's answer has been written, so they do not compete with it for the CPU; the REST path says
 * when it has. The longest wait is set far out here, so only the answer can release them.
 */
@QuarkusTest
@TestProfile(RefillAfterAnswerTest.TwoWarm.class)
class RefillAfterAnswerTest {

    private static final int POOL = 2;

    public static class TwoWarm implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sandbox.admission.concurrency", String.valueOf(POOL),
                    "sandbox.pool.size", String.valueOf(POOL),
                    "sandbox.pool.answer-wait", "10m");
        }
    }

    @Inject
    SandboxRuntime runtime;

    @BeforeEach
    void poolIsFull() {
        await().atMost(Duration.ofSeconds(60)).until(() -> warm() == POOL && held() == 0);
    }

    @Test
    void aRunsReplacementStartsOnlyOnceItsAnswerWasWritten() {
        RunWatch watch = RunWatch.cancellable().holdUntilAnswered();
        RunOutcome outcome = runtime.run(
                Language.PYTHON,
                "print(1)".getBytes(StandardCharsets.UTF_8),
                new byte[0],
                Map.of(),
                runtime.defaults(),
                null,
                null,
                watch);
        assertTrue(outcome.warm());
        // Counted as starting (a run finding the pool empty would wait for it), but not started.
        assertEquals(POOL - 1, warm());
        assertEquals(1, held());

        watch.answered();
        await().atMost(Duration.ofSeconds(30)).until(() -> warm() == POOL && held() == 0);
    }

    @Test
    void anAnswerWrittenBeforeTheRunEndedHoldsNothing() {
        RunWatch watch = RunWatch.cancellable().holdUntilAnswered();
        watch.answered();
        RunOutcome outcome = runtime.run(
                Language.PYTHON,
                "print(1)".getBytes(StandardCharsets.UTF_8),
                new byte[0],
                Map.of(),
                runtime.defaults(),
                null,
                null,
                watch);
        assertTrue(outcome.warm());
        assertEquals(0, held());
        await().atMost(Duration.ofSeconds(30)).until(() -> warm() == POOL);
    }

    @Test
    void theRestPathReleasesTheReplacementOnceItAnswered() {
        SandboxApi.run("python", "print(2)").body("stdout", equalTo("2\n"));
        // Without the end of the response releasing it, the replacement would wait ten minutes.
        await().atMost(Duration.ofSeconds(30)).until(() -> warm() == POOL && held() == 0);
    }

    private int warm() {
        return runtime.warmSandboxes().getOrDefault("python", 0);
    }

    private int held() {
        return runtime.heldReplacements().getOrDefault("python", 0);
    }
}
