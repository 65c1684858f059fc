package ai.prometheus.registry.quota;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import ai.prometheus.registry.RegistryFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quotas on one replica: set by managers, enforced per caller and in total, reported against their limits. */
@QuarkusTest
class QuotaTest {

    private static Response invoke(String caller, String tool) {
        return given().auth()
                .oauth2(developer(caller))
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("city", "Oslo")))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations");
    }

    private static Response setLimits(String token, String tool, Object limits) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(limits)
                .when()
                .put("/api/v1/tools/" + tool + "/limits");
    }

    /** Fixed windows: start a minute-scoped test early in a minute, so the window cannot roll over mid-test. */
    static void awaitEarlyInAMinute() throws InterruptedException {
        while (LocalTime.now(ZoneOffset.UTC).getSecond() > 35) {
            Thread.sleep(500);
        }
    }

    @Test
    void perCallerAndTotalLimitsAnswer429NamingTheLimitWithRetryAfter() throws Exception {
        String tool = RegistryFixtures.registerWeatherTool("quinn", "quota");
        setLimits(
                        developer("quinn"),
                        tool,
                        Map.of(
                                "perCaller",
                                Map.of("callsPerMinute", 2, "cpuSecondsPerDay", 600),
                                "total",
                                Map.of("callsPerMinute", 3)))
                .then()
                .statusCode(200)
                .body("perCaller.callsPerMinute", equalTo(2));
        given().auth()
                .oauth2(developer("rita"))
                .when()
                .get("/api/v1/tools/" + tool + "/limits")
                .then()
                .statusCode(200)
                .body("total.callsPerMinute", equalTo(3));
        awaitEarlyInAMinute();

        invoke("rita", tool).then().statusCode(200);
        invoke("rita", tool).then().statusCode(200);
        invoke("rita", tool)
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("urn:prometheus:problem:quota-exceeded"))
                .body("errors[0].field", equalTo("perCaller.callsPerMinute"))
                .body("detail", containsString("for each caller"));
        // Another caller has its own per-caller budget, but the total is shared.
        invoke("sven", tool).then().statusCode(200);
        invoke("sven", tool).then().statusCode(429).body("errors[0].field", equalTo("total.callsPerMinute"));

        given().auth()
                .oauth2(developer("rita"))
                .when()
                .get("/api/v1/tools/" + tool + "/limits/usage")
                .then()
                .statusCode(200)
                .body("caller", equalTo("rita"))
                .body("perCaller.callsPerMinute.limit", equalTo(2))
                .body("perCaller.callsPerMinute.used", equalTo(2))
                .body("perCaller.callsPerMinute.remaining", equalTo(0))
                .body("perCaller.cpuSecondsPerDay.limit", equalTo(600))
                .body("total.callsPerMinute.used", equalTo(3));
        // Only managers see another caller's consumption.
        given().auth()
                .oauth2(developer("rita"))
                .queryParam("caller", "sven")
                .when()
                .get("/api/v1/tools/" + tool + "/limits/usage")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(developer("quinn"))
                .queryParam("caller", "sven")
                .when()
                .get("/api/v1/tools/" + tool + "/limits/usage")
                .then()
                .statusCode(200)
                .body("perCaller.callsPerMinute.used", equalTo(1));
    }

    @Test
    void onlyManagersSetLimitsAndBadLimitsNameTheField() {
        String tool = RegistryFixtures.registerWeatherTool("quinn", "quota_acl");
        setLimits(developer("rita"), tool, Map.of("perCaller", Map.of("callsPerMinute", 1000)))
                .then()
                .statusCode(403);
        setLimits(developer("quinn"), tool, Map.of("perCaller", Map.of("callsPerMinute", -1)))
                .then()
                .statusCode(400)
                .body("errors[0].field", containsString("callsPerMinute"));
        // Without limits every call is admitted.
        invoke("rita", tool).then().statusCode(200);
    }
}
