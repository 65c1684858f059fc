package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What is decided before anything runs: permission, status, pinning and arguments. */
@QuarkusTest
class InvocationAdmissionTest {

    private static io.restassured.response.ValidatableResponse invoke(String token, String tool, Object body) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then();
    }

    @Test
    void invokeWithoutPermissionIsForbiddenAndAudited() {
        String tool = RegistryFixtures.registerWeatherTool("owner1", "forbid");
        invoke(TestTokens.withScope("reader-only", "tools:read"), tool, Map.of("arguments", Map.of("city", "Oslo")))
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("tools:invoke:" + tool));
        given().auth()
                .oauth2(TestTokens.withScope("auditor", "audit:read"))
                .queryParam("tool", tool)
                .queryParam("action", "tool.invoke")
                .queryParam("decision", "DENY")
                .when()
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].actor", equalTo("reader-only"))
                .body("items[0].reason", containsString("tools:invoke:" + tool))
                .body("items[0].at", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void invokeListIsEnforcedAndCallersWhoCannotSeeTheToolGet404() {
        String tool = RegistryFixtures.registerWeatherTool("owner1", "acl");
        given().auth()
                .oauth2(developer("owner1"))
                .contentType(ContentType.JSON)
                .body(Map.of("read", List.of("*"), "invoke", List.of("subject:friend")))
                .when()
                .put("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(200);
        invoke(developer("stranger"), tool, Map.of("arguments", Map.of("city", "Oslo")))
                .statusCode(403)
                .body("detail", containsString("invoke list"));
        given().auth()
                .oauth2(developer("owner1"))
                .contentType(ContentType.JSON)
                .body(Map.of("read", List.of("subject:friend"), "invoke", List.of("subject:friend")))
                .when()
                .put("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(200);
        invoke(developer("stranger"), tool, Map.of("arguments", Map.of("city", "Oslo")))
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.admin())
                .queryParam("tool", tool)
                .queryParam("decision", "DENY")
                .when()
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("items", hasSize(2));
    }

    @Test
    void invalidArgumentsListEachViolation() {
        String tool = RegistryFixtures.registerWeatherTool("owner1", "args");
        invoke(developer("caller"), tool, Map.of("arguments", Map.of("days", 99, "unexpected", true)))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("arguments"))
                .body("errors.field", hasItem("arguments.days"))
                .body("errors", hasSize(3));
        invoke(developer("caller"), tool, Map.of("arguments", Map.of("city", "Oslo"), "mode", "later"))
                .statusCode(400)
                .body("errors[0].field", equalTo("mode"));
    }

    @Test
    void pinnedFingerprintThatNoLongerMatchesIs409() {
        String tool = RegistryFixtures.registerWeatherTool("owner1", "pin");
        String original = given().auth()
                .oauth2(developer("owner1"))
                .when()
                .get("/api/v1/tools/" + tool)
                .then()
                .extract()
                .path("fingerprint");
        given().auth()
                .oauth2(developer("owner1"))
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "functionSignature",
                        RegistryFixtures.WEATHER_SCHEMA,
                        "implementation",
                        Map.of("language", "python", "code", "import os; print(os.environ)")))
                .when()
                .put("/api/v1/tools/" + tool)
                .then()
                .statusCode(200);
        invoke(developer("caller"), tool, Map.of("arguments", Map.of("city", "Oslo"), "fingerprint", original))
                .statusCode(409)
                .body("type", equalTo("urn:prometheus:problem:fingerprint-mismatch"))
                .body("detail", containsString("version 2"));
    }

    @Test
    void disabledToolIsRefusedWithItsReason() {
        String tool = RegistryFixtures.registerWeatherTool("owner1", "off");
        given().auth()
                .oauth2(developer("owner1"))
                .contentType(ContentType.JSON)
                .body(Map.of("status", "DISABLED", "reason", "upstream API key revoked"))
                .when()
                .put("/api/v1/tools/" + tool + "/status")
                .then()
                .statusCode(200);
        invoke(developer("caller"), tool, Map.of("arguments", Map.of("city", "Oslo")))
                .statusCode(409)
                .body("type", equalTo("urn:prometheus:problem:tool-disabled"))
                .body("detail", containsString("upstream API key revoked"));
    }

    @Test
    void unknownToolIs404() {
        invoke(developer("caller"), "no_such_tool_here", Map.of("arguments", Map.of()))
                .statusCode(404);
    }

    @Test
    void aToolChangedAfterItWasInvokedIsJudgedAsItIsNow() {
        String tool = RegistryFixtures.registerWeatherTool("owner1", "changed");
        Map<String, Object> call = Map.of("arguments", Map.of("city", "Oslo"), "mode", "async");
        invoke(developer("caller"), tool, call).statusCode(202);
        invoke(developer("caller"), tool, call).statusCode(202);
        changeStatus(tool, Map.of("status", "DISABLED", "reason", "paused for a moment"));
        invoke(developer("caller"), tool, call)
                .statusCode(409)
                .body("type", equalTo("urn:prometheus:problem:tool-disabled"))
                .body("detail", containsString("paused for a moment"));
        changeStatus(tool, Map.of("status", "ACTIVE"));
        invoke(developer("caller"), tool, call).statusCode(202);
        given().auth()
                .oauth2(developer("owner1"))
                .contentType(ContentType.JSON)
                .body(Map.of("read", List.of("*"), "invoke", List.of("subject:friend")))
                .when()
                .put("/api/v1/tools/" + tool + "/permissions")
                .then()
                .statusCode(200);
        invoke(developer("caller"), tool, call).statusCode(403).body("detail", containsString("invoke list"));
        invoke(developer("friend"), tool, call).statusCode(202);
        given().auth()
                .oauth2(developer("owner1"))
                .when()
                .delete("/api/v1/tools/" + tool)
                .then()
                .statusCode(204);
        invoke(developer("friend"), tool, call).statusCode(404);
        for (Map.Entry<String, Integer> decision : Map.of("ALLOW", 4, "DENY", 2).entrySet()) {
            given().auth()
                    .oauth2(TestTokens.admin())
                    .queryParam("tool", tool)
                    .queryParam("action", "tool.invoke")
                    .queryParam("decision", decision.getKey())
                    .when()
                    .get("/api/v1/audit")
                    .then()
                    .statusCode(200)
                    .body("items", hasSize(decision.getValue()));
        }
    }

    private static void changeStatus(String tool, Map<String, Object> change) {
        given().auth()
                .oauth2(developer("owner1"))
                .contentType(ContentType.JSON)
                .body(change)
                .when()
                .put("/api/v1/tools/" + tool + "/status")
                .then()
                .statusCode(200);
    }
}
