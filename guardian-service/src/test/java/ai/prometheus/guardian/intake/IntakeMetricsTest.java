package ai.prometheus.guardian.intake;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.guardian.Names;
import ai.prometheus.shared.testing.PrometheusScrape;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Error intake and grouping show in /q/metrics as counters by origin, outcome and grouping. */
@QuarkusTest
class IntakeMetricsTest {

    private static final String REPORTER = TestTokens.withScope("metrics-reporter", "errors:write errors:read");

    @Test
    void receivedErrorsAreCountedByOutcomeAndByWhatTheyDidToTheirGroup() {
        String service = Names.unique("metered-");
        PrometheusScrape before = scrape();
        post(report(service, "card declined for order 1234", null), 201);
        post(report(service, "card declined for order 99", null), 201);
        String eventId = Names.unique("evt-");
        post(report(service, "gateway timeout", eventId), 201);
        post(report(service, "gateway timeout", eventId), 200);

        PrometheusScrape after = scrape();
        String received = "prometheus_guardian_errors_received_total";
        assertEquals(3, delta(before, after, received, Map.of("origin", "http", "outcome", "stored")));
        assertEquals(1, delta(before, after, received, Map.of("origin", "http", "outcome", "duplicate")));
        String grouped = "prometheus_guardian_errors_grouped_total";
        assertEquals(2, delta(before, after, grouped, Map.of("grouping", "new")), "two groups: declined, timeout");
        assertEquals(1, delta(before, after, grouped, Map.of("grouping", "existing")), "another declined card");
        after.assertCatalogued("guardian-service");
        assertTrue(after.assertSuiteConventions().contains(received));
    }

    private static double delta(
            PrometheusScrape before, PrometheusScrape after, String name, Map<String, String> labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    private static Map<String, Object> report(String service, String message, String eventId) {
        Map<String, Object> body = new HashMap<>();
        body.put("service", service);
        body.put("errorType", "checkout.PaymentDeclined");
        body.put("errorMessage", message);
        if (eventId != null) {
            body.put("eventId", eventId);
        }
        return body;
    }

    private static void post(Map<String, Object> body, int expected) {
        given().auth()
                .oauth2(REPORTER)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(expected);
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
