package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.PrometheusScrape;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Invocations show in /q/metrics: counters by tool, mode and status, and duration histograms. */
@QuarkusTest
class InvocationMetricsTest {

    @Test
    void finishedInvocationsAreCountedByToolModeAndStatusWithADurationHistogram() {
        String tool = RegistryFixtures.registerWeatherTool("metrics-owner", "metered");
        String failing = RegistryFixtures.uniqueName("metered_failing");
        RegistryFixtures.register(
                        developer("metrics-owner"),
                        Map.of(
                                "name",
                                failing,
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of("language", "python", "code", "import sys; sys.exit(3)")))
                .statusCode(201);
        String caller = developer("metrics-caller");
        for (int i = 0; i < 3; i++) {
            invoke(caller, tool, Map.of("arguments", Map.of("city", "Oslo")))
                    .then()
                    .statusCode(200);
        }
        invoke(caller, failing, Map.of("arguments", Map.of("city", "Oslo")))
                .then()
                .statusCode(200);
        invoke(caller, tool, Map.of("arguments", Map.of("city", "Rome"), "mode", "async"))
                .then()
                .statusCode(202);

        PrometheusScrape sync = scrape();
        assertEquals(
                3,
                sync.value(
                        "prometheus_registry_invocations_total", Map.of("tool", tool, "mode", "sync", "status", "ok")));
        assertEquals(
                1,
                sync.value(
                        "prometheus_registry_invocations_total",
                        Map.of("tool", failing, "mode", "sync", "status", "runtime_error")));
        sync.assertHistogram("prometheus_registry_invocation_duration_seconds", Map.of("mode", "sync", "status", "ok"));

        // The asynchronous one is counted when its result comes back over Kafka.
        await().atMost(Duration.ofSeconds(60))
                .until(() -> scrape().value(
                                        "prometheus_registry_invocations_total",
                                        Map.of("tool", tool, "mode", "async", "status", "ok"))
                        == 1);
        PrometheusScrape after = scrape();
        after.assertHistogram(
                "prometheus_registry_invocation_duration_seconds", Map.of("mode", "async", "status", "ok"));
        after.assertCatalogued("tool-registry-service");
        assertTrue(after.assertSuiteConventions().contains("prometheus_registry_invocations_total"));
    }

    private static PrometheusScrape scrape() {
        return PrometheusScrape.of(given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    private static io.restassured.response.Response invoke(String token, String tool, Map<String, Object> body) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/tools/" + tool + "/invocations");
    }
}
