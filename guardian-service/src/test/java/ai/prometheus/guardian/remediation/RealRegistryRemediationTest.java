package ai.prometheus.guardian.remediation;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.guardian.CommandTopic;
import ai.prometheus.guardian.Db;
import ai.prometheus.guardian.ErrorEvents;
import ai.prometheus.guardian.Names;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import ai.prometheus.shared.testing.ServiceProcess;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Remediation across services, with the real tool registry (started from its built jar): a rule
 * disables a failing tool in the registry, the tool is then refused there with the rule's reason,
 * and reverting the action enables it again.
 */
@QuarkusTest
class RealRegistryRemediationTest {

    private static final String OPERATOR = TestTokens.withGroups("oncall", "operator");
    private static final String DEVELOPER = TestTokens.withScope("tool-owner", "tools:write tools:read tools:invoke");
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static ServiceProcess registry;

    @BeforeAll
    static void startRegistry() {
        // It reads this test run's command topic (created first, so it is assigned at once), in
        // consumer groups of the run: no other registry takes or answers these commands.
        String group = "registry-for-guardian-tests-" + Engines.RUN;
        KafkaProbe.ensureTopic(CommandTopic.name());
        registry = ServiceProcess.start(
                "tool-registry-service",
                Map.of(),
                List.of(
                        "-Dmp.messaging.incoming.guardian-commands.topic=" + CommandTopic.name(),
                        "-Dmp.messaging.incoming.guardian-commands.group.id=" + group,
                        "-Dmp.messaging.incoming.invocation-results.group.id=" + group,
                        "-Dmp.messaging.incoming.invocation-results.auto.offset.reset=latest",
                        "-Dmp.messaging.incoming.invocation-progress.group.id=" + group,
                        "-Dmp.messaging.incoming.invocation-progress.auto.offset.reset=latest"));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private static String toolStatus(String tool) {
        return given().baseUri(registry.url())
                .auth()
                .oauth2(DEVELOPER)
                .when()
                .get("/api/v1/tools/" + tool)
                .then()
                .statusCode(200)
                .extract()
                .path("status");
    }

    @Test
    void aRuleDisablesTheToolInTheRealRegistryAndRevertingEnablesIt() {
        String tool = Names.unique("flaky_");
        given().baseUri(registry.url())
                .auth()
                .oauth2(DEVELOPER)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        tool,
                        "description",
                        "a tool that keeps failing",
                        "functionSignature",
                        Map.of("type", "object"),
                        "implementation",
                        Map.of("language", "python", "code", "print(1/0)")))
                .when()
                .post("/api/v1/tools")
                .then()
                .statusCode(201);

        String ruleName = Names.unique("disable flaky tools ");
        String ruleId = given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        ruleName,
                        "match",
                        Map.of(
                                "service",
                                "tool-registry-service",
                                "errorType",
                                "tool.invocation.*",
                                "attributes",
                                Map.of("tool", tool)),
                        "guard",
                        Map.of("threshold", 3, "windowSeconds", 600, "cooldownSeconds", 3600, "maxAttempts", 2),
                        "action",
                        Map.of("type", "disable_tool")))
                .when()
                .post("/api/v1/rules")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        try {
            for (int i = 0; i < 3; i++) {
                // The message names the tool, so the group is this run's own and no earlier escalation stops the rule.
                Db.awaitGroupOf(ErrorEvents.toolFailure(
                        tool, "runtime_error", "ZeroDivisionError: division by zero in " + tool));
            }
            await().atMost(WAIT).until(() -> "DISABLED".equals(toolStatus(tool)));
            UUID action = UUID.fromString(given().auth()
                    .oauth2(OPERATOR)
                    .queryParam("ruleId", ruleId)
                    .when()
                    .get("/api/v1/actions")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("items[0].id"));
            await().atMost(WAIT)
                    .until(() -> "applied"
                            .equals(given().auth()
                                    .oauth2(OPERATOR)
                                    .when()
                                    .get("/api/v1/actions/" + action)
                                    .then()
                                    .extract()
                                    .path("status")));
            assertEquals(
                    3,
                    Db.count(
                            "select count(*) from guardian.error_logs where attributes ->> 'tool' = ? and fix_applied",
                            tool));

            // The registry refuses the tool with the rule's reason, before anything runs.
            given().baseUri(registry.url())
                    .auth()
                    .oauth2(DEVELOPER)
                    .contentType(ContentType.JSON)
                    .body(Map.of("arguments", Map.of()))
                    .when()
                    .post("/api/v1/tools/" + tool + "/invocations")
                    .then()
                    .statusCode(409)
                    .body("type", equalTo("urn:prometheus:problem:tool-disabled"))
                    .body("detail", containsString(ruleName));

            given().auth()
                    .oauth2(OPERATOR)
                    .contentType(ContentType.JSON)
                    .body(Map.of("reason", "fixed in version 2"))
                    .when()
                    .post("/api/v1/actions/" + action + "/revert")
                    .then()
                    .statusCode(202);
            await().atMost(WAIT).until(() -> "ACTIVE".equals(toolStatus(tool)));
            await().atMost(WAIT)
                    .until(() -> "reverted"
                            .equals(given().auth()
                                    .oauth2(OPERATOR)
                                    .when()
                                    .get("/api/v1/actions/" + action)
                                    .then()
                                    .extract()
                                    .path("status")));
            assertEquals(
                    0,
                    Db.count(
                            "select count(*) from guardian.error_logs where attributes ->> 'tool' = ? and fix_applied",
                            tool));
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
    void revertingTheDisablingOfAToolItsOwnerHadDisabledLeavesItDisabledInTheRealRegistry() {
        String tool = Names.unique("owner_off_");
        given().baseUri(registry.url())
                .auth()
                .oauth2(DEVELOPER)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        tool,
                        "description",
                        "a tool its owner switched off",
                        "functionSignature",
                        Map.of("type", "object"),
                        "implementation",
                        Map.of("language", "python", "code", "print(1/0)")))
                .when()
                .post("/api/v1/tools")
                .then()
                .statusCode(201);
        given().baseUri(registry.url())
                .auth()
                .oauth2(DEVELOPER)
                .contentType(ContentType.JSON)
                .body(Map.of("status", "DISABLED", "reason", "owner is migrating it"))
                .when()
                .put("/api/v1/tools/" + tool + "/status")
                .then()
                .statusCode(200);

        String ruleId = given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        Names.unique("disable owner-off tools "),
                        "match",
                        Map.of("service", "tool-registry-service", "attributes", Map.of("tool", tool)),
                        "guard",
                        Map.of("threshold", 1, "windowSeconds", 600, "cooldownSeconds", 3600),
                        "action",
                        Map.of("type", "disable_tool")))
                .when()
                .post("/api/v1/rules")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        try {
            Db.awaitGroupOf(
                    ErrorEvents.toolFailure(tool, "runtime_error", "ZeroDivisionError: division by zero in " + tool));
            await().atMost(WAIT)
                    .until(
                            () -> given().auth()
                                    .oauth2(OPERATOR)
                                    .queryParam("ruleId", ruleId)
                                    .when()
                                    .get("/api/v1/actions")
                                    .then()
                                    .extract()
                                    .path("items[0].status"),
                            s -> "applied".equals(s));
            String action = given().auth()
                    .oauth2(OPERATOR)
                    .queryParam("ruleId", ruleId)
                    .when()
                    .get("/api/v1/actions")
                    .then()
                    .body("items[0].changedTarget", equalTo(false))
                    .extract()
                    .path("items[0].id");

            given().auth()
                    .oauth2(OPERATOR)
                    .contentType(ContentType.JSON)
                    .body(Map.of())
                    .when()
                    .post("/api/v1/actions/" + action + "/revert")
                    .then()
                    .statusCode(202)
                    .body("status", equalTo("applied"));
            assertEquals(
                    "reverted",
                    given().auth()
                            .oauth2(OPERATOR)
                            .when()
                            .get("/api/v1/actions/" + action)
                            .then()
                            .extract()
                            .path("status"));
            // Nothing was sent, so nothing can arrive late: the owner's decision and reason stand.
            given().baseUri(registry.url())
                    .auth()
                    .oauth2(DEVELOPER)
                    .when()
                    .get("/api/v1/tools/" + tool)
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("DISABLED"))
                    .body("statusReason", equalTo("owner is migrating it"));
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
