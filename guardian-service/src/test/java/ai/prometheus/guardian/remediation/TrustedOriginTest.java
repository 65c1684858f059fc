package ai.prometheus.guardian.remediation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.guardian.CommandTopic;
import ai.prometheus.guardian.Db;
import ai.prometheus.guardian.ErrorEvents;
import ai.prometheus.guardian.Names;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.remediation.RemediationCommand;
import ai.prometheus.shared.testing.KafkaProbe;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Remediation acts only on errors whose origin is authenticated for the service they name: a
 * caller holding errors:write must not be able to disable a tool by reporting it as failing.
 */
@QuarkusTest
class TrustedOriginTest {

    private static final String OPERATOR = TestTokens.withGroups("oncall", "operator");
    private static final String AGENT = TestTokens.agent("agent-mallory", "errors:write errors:read");
    private static final String USER = TestTokens.withScope("partner-dev", "errors:write errors:read");

    private static String serviceToken(String service) {
        return TestTokens.builder(service)
                .claim("principal_type", "service")
                .claim("scope", "errors:write errors:read")
                .sign(TestTokens.key());
    }

    private static String createRule(Map<String, Object> match, int threshold) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("name", Names.unique("trust "));
        rule.put("match", match);
        rule.put("guard", Map.of("threshold", threshold, "windowSeconds", 600, "cooldownSeconds", 3600));
        rule.put("action", Map.of("type", "disable_tool"));
        return given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(rule)
                .when()
                .post("/api/v1/rules")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static Map<String, Object> toolFailure(String service, String tool) {
        return Map.of(
                "service",
                service,
                "errorType",
                "tool.invocation.runtime_error",
                "errorMessage",
                "ZeroDivisionError: division by zero in " + tool,
                "attributes",
                Map.of("tool", tool));
    }

    private static long actionsOf(String ruleId) {
        return Db.count("select count(*) from guardian.remediation_actions where rule_id = cast(? as uuid)", ruleId);
    }

    @Test
    void aForgedToolFailureOverHttpDisablesNothingButTheRegistrysOwnEventDoes() {
        String tool = Names.unique("victim-");
        String ruleId = createRule(Map.of("errorType", "tool.invocation.*", "attributes", Map.of("tool", tool)), 1);
        try (KafkaProbe commands = KafkaProbe.on(CommandTopic.name())) {
            // Claiming to be the registry is refused outright, for agents, users and other services alike.
            for (String token : new String[] {AGENT, USER, serviceToken("sandbox-service")}) {
                given().auth()
                        .oauth2(token)
                        .contentType(ContentType.JSON)
                        .body(toolFailure("tool-registry-service", tool))
                        .when()
                        .post("/api/v1/errors")
                        .then()
                        .statusCode(403)
                        .contentType("application/problem+json")
                        .body("errors.field", hasItem("service"));
            }
            assertEquals(0, Db.count("select count(*) from guardian.error_logs where attributes ->> 'tool' = ?", tool));

            // Under its own name the report is stored and shown, but rules do not act on it. The
            // decision commits with the error, so the answer already tells whether a rule acted.
            String id = given().auth()
                    .oauth2(AGENT)
                    .contentType(ContentType.JSON)
                    .body(toolFailure("mallory-app", tool))
                    .when()
                    .post("/api/v1/errors")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            given().auth()
                    .oauth2(USER)
                    .when()
                    .get("/api/v1/errors/" + id)
                    .then()
                    .statusCode(200)
                    .body("reportedBy", equalTo("agent-mallory"))
                    .body("trusted", equalTo(false));
            assertEquals(0, actionsOf(ruleId), "an untrusted report trips no rule");

            // The same failure as the registry's own event is acted on (its own group: the message names the tool).
            Db.awaitGroupOf(
                    ErrorEvents.toolFailure(tool, "runtime_error", "ZeroDivisionError: division by zero in " + tool));
            commands.await(
                    e -> EventTypes.REMEDIATION_COMMAND.equals(e.type())
                            && tool.equals(commands.codec()
                                    .data(e, RemediationCommand.class)
                                    .target()),
                    Duration.ofSeconds(30));
            assertEquals(1, actionsOf(ruleId));
        } finally {
            given().auth()
                    .oauth2(OPERATOR)
                    .when()
                    .delete("/api/v1/rules/" + ruleId)
                    .then()
                    .statusCode(204);
        }
    }

    @Test
    void aServiceTokenReportsItsOwnErrorsTrustedAndOnlyTrustedErrorsCountTowardsTheGuard() {
        // Both are listed in prometheus.security.service-subjects (test profile); the tool keeps runs apart.
        String service = "partner-billing";
        String tool = Names.unique("partner-tool-");
        String ruleId = createRule(Map.of("service", service, "attributes", Map.of("tool", tool)), 2);
        try {
            given().auth()
                    .oauth2(serviceToken("partner-other"))
                    .contentType(ContentType.JSON)
                    .body(toolFailure(service, tool))
                    .when()
                    .post("/api/v1/errors")
                    .then()
                    .statusCode(403)
                    .body("errors.field", hasItem("service"))
                    .body("errors.reason", hasItem(containsString("its own errors")));
            // A token that claims to be a service but is not a listed one speaks only for itself.
            String rogue = given().auth()
                    .oauth2(serviceToken(Names.unique("rogue-")))
                    .contentType(ContentType.JSON)
                    .body(toolFailure(service, tool))
                    .when()
                    .post("/api/v1/errors")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            given().auth()
                    .oauth2(USER)
                    .when()
                    .get("/api/v1/errors/" + rogue)
                    .then()
                    .body("trusted", equalTo(false));

            // Two reports by a user in the service's name: same group, not counted.
            for (int i = 0; i < 2; i++) {
                given().auth()
                        .oauth2(USER)
                        .contentType(ContentType.JSON)
                        .body(toolFailure(service, tool))
                        .when()
                        .post("/api/v1/errors")
                        .then()
                        .statusCode(201);
            }
            String own = serviceToken(service);
            String id = given().auth()
                    .oauth2(own)
                    .contentType(ContentType.JSON)
                    .body(toolFailure(service, tool))
                    .when()
                    .post("/api/v1/errors")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            given().auth()
                    .oauth2(own)
                    .when()
                    .get("/api/v1/errors/" + id)
                    .then()
                    .body("reportedBy", equalTo(service))
                    .body("trusted", equalTo(true));
            assertEquals(0, actionsOf(ruleId), "one trusted error is below the threshold of 2");

            given().auth()
                    .oauth2(own)
                    .contentType(ContentType.JSON)
                    .body(toolFailure(service, tool))
                    .when()
                    .post("/api/v1/errors")
                    .then()
                    .statusCode(201);
            assertEquals(1, actionsOf(ruleId), "the second trusted error trips the rule");
        } finally {
            given().auth()
                    .oauth2(OPERATOR)
                    .when()
                    .delete("/api/v1/rules/" + ruleId)
                    .then()
                    .statusCode(204);
        }
    }
}
