package ai.prometheus.sandbox.execution;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.testing.PrometheusScrape;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs show in /q/metrics: by language, status and start, with run time and queue wait histograms. */
@QuarkusTest
class RunMetricsTest {

    @Test
    void runsAreCountedByLanguageStatusAndStartWithRunTimeAndQueueWaitHistograms() {
        PrometheusScrape before = scrape();
        for (int i = 0; i < 3; i++) {
            SandboxApi.run("python", "print(1)");
        }
        SandboxApi.run("bash", "exit 4");

        PrometheusScrape after = scrape();
        assertEquals(
                3,
                after.value("prometheus_sandbox_runs_total", Map.of("language", "python", "status", "ok"))
                        - before.value("prometheus_sandbox_runs_total", Map.of("language", "python", "status", "ok")));
        assertEquals(
                1,
                after.value("prometheus_sandbox_runs_total", Map.of("language", "bash", "status", "runtime_error"))
                        - before.value(
                                "prometheus_sandbox_runs_total",
                                Map.of("language", "bash", "status", "runtime_error")));
        assertTrue(after.samples("prometheus_sandbox_runs_total", Map.of("language", "python")).stream()
                .allMatch(s -> s.labels().get("start").equals("warm")
                        || s.labels().get("start").equals("cold")));
        after.assertHistogram("prometheus_sandbox_run_duration_seconds", Map.of("language", "python"));
        after.assertHistogram("prometheus_sandbox_run_queue_wait_seconds", Map.of());
        assertFalse(after.samples("prometheus_sandbox_egress_bytes_total", Map.of("direction", "received"))
                .isEmpty());
        after.assertCatalogued("sandbox-service");
        assertTrue(after.assertSuiteConventions().contains("prometheus_sandbox_runs_total"));
    }

    private static PrometheusScrape scrape() {
        return PrometheusScrape.of(given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }
}
