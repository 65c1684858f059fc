package ai.prometheus.sandbox.execution;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.event.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A host without writable cgroups (most containers): the uid's process rlimit is the only limit,
 * and a fork loop that swallows every refusal must still be reported at it.
 */
@QuarkusTest
@TestProfile(ProcessLimitWithoutCgroupsTest.NoCgroups.class)
class ProcessLimitWithoutCgroupsTest {

    static final String REQUESTS = Topics.TOOL_INVOCATION_REQUESTS + ".process-limit-without-cgroups-test";

    public static class NoCgroups implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sandbox.isolation.cgroups",
                    "off",
                    "mp.messaging.incoming.tool-invocation-requests.topic",
                    REQUESTS,
                    "mp.messaging.incoming.tool-invocation-requests.dead-letter-queue.topic",
                    REQUESTS + ".dlq");
        }
    }

    @Test
    void aSilentForkBombThatExitsZeroIsReportedAtTheProcessLimit() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'Sandbox isolation' }.data.cgroups", equalTo("none"));
        SandboxApi.run("python", """
                import os, sys, time
                failed = 0
                for _ in range(200):
                    try:
                        if os.fork() == 0:
                            time.sleep(1)
                            os._exit(0)
                    except OSError:
                        failed += 1
                print(failed > 0)
                time.sleep(0.3)
                sys.exit(0)
                """, Map.of("maxProcesses", 8, "wallMs", 10_000))
                .body("stdout", equalTo("True\n"))
                .body("stderr", equalTo(""))
                .body("status", equalTo("PROCESS_LIMIT"))
                .body("message", containsString("process limit of 8"));
        // An ordinary run that stays below it is not.
        SandboxApi.run("bash", "sleep 0.3 & sleep 0.3 & wait; echo ok", Map.of("maxProcesses", 8))
                .body("status", equalTo("OK"));
    }
}
