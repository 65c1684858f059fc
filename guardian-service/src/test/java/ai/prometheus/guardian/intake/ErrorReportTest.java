package ai.prometheus.guardian.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.guardian.Db;
import ai.prometheus.guardian.Names;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ErrorReportTest {

    private static final String REPORTER = TestTokens.withScope("outside-client", "errors:write errors:read");

    private static Map<String, Object> report(String service, String message) {
        Map<String, Object> body = new HashMap<>();
        body.put("service", service);
        body.put("errorType", "checkout.PaymentDeclined");
        body.put("errorMessage", message);
        body.put("traceId", "0af7651916cd43dd8448eb211c80319c");
        body.put("attributes", Map.of("tool", "payments", "region", "eu-west-1"));
        return body;
    }

    @Test
    void aReportIsStoredGroupedAndReadable() {
        String service = Names.unique("web-shop-");
        Response created = given().auth()
                .oauth2(REPORTER)
                .contentType(ContentType.JSON)
                .body(report(service, "card declined for order 1234"))
                .when()
                .post("/api/v1/errors");
        created.then()
                .statusCode(201)
                .header("Location", containsString("/api/v1/errors/"))
                .body("duplicate", equalTo(false));
        String id = created.path("id");
        String groupId = created.path("groupId");
        assertNotNull(groupId);

        given().auth()
                .oauth2(REPORTER)
                .when()
                .get("/api/v1/errors/" + id)
                .then()
                .statusCode(200)
                .body("service", equalTo(service))
                .body("groupId", equalTo(groupId))
                .body("attributes.region", equalTo("eu-west-1"))
                .body("traceId", equalTo("0af7651916cd43dd8448eb211c80319c"));
        given().auth()
                .oauth2(REPORTER)
                .contentType(ContentType.JSON)
                .body(report(service, "card declined for order 99"))
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(201)
                .body("groupId", equalTo(groupId));
    }

    @Test
    void aRetriedReportWithTheSameKeyIsStoredOnce() {
        String service = Names.unique("retrier-");
        String key = Names.unique("key-");
        Response first = given().auth()
                .oauth2(REPORTER)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(report(service, "timeout"))
                .when()
                .post("/api/v1/errors");
        first.then().statusCode(201);
        given().auth()
                .oauth2(REPORTER)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(report(service, "timeout"))
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(200)
                .body("duplicate", equalTo(true))
                .body("id", equalTo(first.path("id")));

        Map<String, Object> withEventId = report(service, "timeout");
        withEventId.put("eventId", "evt-" + key);
        given().auth()
                .oauth2(REPORTER)
                .contentType(ContentType.JSON)
                .body(withEventId)
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(201);
        given().auth()
                .oauth2(REPORTER)
                .contentType(ContentType.JSON)
                .body(withEventId)
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(200)
                .body("duplicate", equalTo(true));

        assertEquals(2, Db.count("select count(*) from guardian.error_logs where service = ?", service));
        assertEquals(2L, Db.single("select event_count from guardian.error_groups where service = ?", service));
    }

    @Test
    void oversizedOrMalformedReportsAreRejectedNamingTheFieldAndNothingIsStored() {
        String service = Names.unique("bad-client-");
        Map<String, Object> huge = report(service, "boom");
        huge.put("stackTrace", "x".repeat(64_001));
        given().auth()
                .oauth2(REPORTER)
                .contentType(ContentType.JSON)
                .body(huge)
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("stackTrace"))
                .body("errors[0].reason", containsString("at most 64000"));

        Map<String, Object> several = report(service, "m".repeat(10_001));
        several.remove("service");
        several.put("traceId", "not-a-trace");
        several.put("attributes", Map.of("tool", "v".repeat(2049)));
        given().auth()
                .oauth2(REPORTER)
                .contentType(ContentType.JSON)
                .body(several)
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(400)
                .body("errors.field", hasItems("service", "errorMessage", "traceId", "attributes.tool"));

        given().auth()
                .oauth2(REPORTER)
                .contentType(ContentType.JSON)
                .body("{\"service\": nope}")
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400));
        given().auth()
                .oauth2(REPORTER)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", "bad key with spaces")
                .body(report(service, "x"))
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("Idempotency-Key"));

        assertEquals(0, Db.count("select count(*) from guardian.error_logs where service = ?", service));
    }

    @Test
    void reportingNeedsErrorsWrite() {
        given().contentType(ContentType.JSON)
                .body(report("s", "m"))
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(TestTokens.withScope("viewer", "errors:read"))
                .contentType(ContentType.JSON)
                .body(report("s", "m"))
                .when()
                .post("/api/v1/errors")
                .then()
                .statusCode(403)
                .body("detail", containsString("errors:write"));
    }

    /**
     * The test profile allows a burst of 20 reports per caller refilling at one every two seconds,
     * so a flood of 60 is refused in part however fast the machine is; every report that was
     * accepted must be in the database.
     */
    @Test
    void aFloodIsAnswered429WithRetryAfterAndEveryAcceptedReportIsStored() throws Exception {
        String flooder = Names.unique("flooder-");
        String token = TestTokens.withScope(flooder, "errors:write");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int n = i;
            calls.add(pool.submit(() -> given().auth()
                    .oauth2(token)
                    .contentType(ContentType.JSON)
                    .body(report(flooder, "flood " + n))
                    .when()
                    .post("/api/v1/errors")));
        }
        List<String> accepted = new ArrayList<>();
        int refused = 0;
        for (Future<Response> call : calls) {
            Response response = call.get();
            if (response.statusCode() == 201) {
                accepted.add(response.path("id"));
            } else {
                assertEquals(429, response.statusCode(), response.asString());
                assertEquals("application/problem+json", response.contentType());
                assertTrue(Integer.parseInt(response.header("Retry-After")) >= 1);
                refused++;
            }
        }
        pool.shutdown();
        assertTrue(refused > 0, "a flood of 60 against a burst of 20 is partly refused");
        assertTrue(accepted.size() >= 20, "the burst is accepted: " + accepted.size());
        assertEquals(60, accepted.size() + refused);
        assertEquals(accepted.size(), Db.count("select count(*) from guardian.error_logs where service = ?", flooder));
        for (String id : accepted) {
            assertEquals(1, Db.count("select count(*) from guardian.error_logs where id = cast(? as uuid)", id));
        }
    }
}
