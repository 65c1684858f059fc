package ai.prometheus.guardian;

import static io.restassured.RestAssured.given;

import ai.prometheus.shared.testing.OpenApiFuzzContract;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;

/** Generated hostile input for every operation of this service's OpenAPI document: never a 5xx. */
@QuarkusTest
class OpenApiFuzzTest extends OpenApiFuzzContract {

    /** An error, its group and a rule, for the operations on them. */
    @Override
    protected Map<String, String> knownPathValues() {
        String tool = Names.unique("fuzz-seed-");
        String eventId = ErrorEvents.toolFailure(tool, "runtime_error", "ValueError: fuzz seed in " + tool);
        UUID group = Db.awaitGroupOf(eventId);
        Object error = Db.single("select id from guardian.error_logs where event_id = ?", eventId);
        String rule = given().auth()
                .oauth2(TestTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        Names.unique("fuzz rule "),
                        "match",
                        Map.of(
                                "service",
                                "tool-registry-service",
                                "errorType",
                                "tool.invocation.*",
                                "attributes",
                                Map.of("tool", tool)),
                        "guard",
                        Map.of("threshold", 1000, "windowSeconds", 600, "cooldownSeconds", 3600, "maxAttempts", 1),
                        "action",
                        Map.of("type", "disable_tool")))
                .when()
                .post("/api/v1/rules")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        return Map.of("errors/{id}", error.toString(), "error-groups/{id}", group.toString(), "rules/{id}", rule);
    }
}
