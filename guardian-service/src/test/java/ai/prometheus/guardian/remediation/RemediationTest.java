package ai.prometheus.guardian.remediation;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.guardian.CommandTopic;
import ai.prometheus.guardian.Db;
import ai.prometheus.guardian.ErrorEvents;
import ai.prometheus.guardian.Names;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.remediation.RemediationCommand;
import ai.prometheus.shared.remediation.RemediationResult;
import ai.prometheus.shared.testing.KafkaProbe;
import ai.prometheus.shared.testing.TestTokens;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The guardian's half of remediation, on the real broker: the tool registry's side is played by
 * the test (it reads the command and answers with a result), as the registry would.
 */
@QuarkusTest
class RemediationTest {

    private static final String OPERATOR = TestTokens.withGroups("oncall", "operator");
    private static final String READER = TestTokens.withScope("viewer", "errors:read");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final EventCodec codec = new EventCodec();

    private static Map<String, Object> toolRule(
            String name, String tool, int threshold, Integer quietSeconds, int maxAttempts, int cooldownSeconds) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("name", name);
        rule.put(
                "match",
                Map.of(
                        "service",
                        "tool-registry-service",
                        "errorType",
                        "tool.invocation.*",
                        "attributes",
                        Map.of("tool", tool)));
        rule.put(
                "guard",
                Map.of(
                        "threshold",
                        threshold,
                        "windowSeconds",
                        600,
                        "cooldownSeconds",
                        cooldownSeconds,
                        "maxAttempts",
                        maxAttempts));
        rule.put("action", Map.of("type", "disable_tool"));
        if (quietSeconds != null) {
            rule.put("verify", Map.of("quietSeconds", quietSeconds));
        }
        return rule;
    }

    private static String createRule(Map<String, Object> rule) {
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

    private static void deleteRule(String id) {
        given().auth()
                .oauth2(OPERATOR)
                .when()
                .delete("/api/v1/rules/" + id)
                .then()
                .statusCode(204);
    }

    private String fail(String tool) {
        return ErrorEvents.toolFailure(tool, "runtime_error", "ZeroDivisionError: division by zero in " + tool);
    }

    private RemediationCommand awaitCommand(KafkaProbe probe, String command, String tool) {
        CloudEvent event = probe.await(
                e -> EventTypes.REMEDIATION_COMMAND.equals(e.type())
                        && tool.equals(
                                probe.codec().data(e, RemediationCommand.class).target())
                        && command.equals(
                                probe.codec().data(e, RemediationCommand.class).command()),
                WAIT);
        assertEquals(tool, event.subject(), "the command is keyed by its target");
        return probe.codec().data(event, RemediationCommand.class);
    }

    /** Answers a command as the tool registry does. */
    private void answer(RemediationCommand command, boolean applied, String message) {
        answer(command, applied, message, null);
    }

    private void answer(RemediationCommand command, boolean applied, String message, Boolean changed) {
        CloudEvent result = codec.create(
                "/tool-registry-service",
                EventTypes.REMEDIATION_RESULT,
                command.actionId().toString(),
                new RemediationResult(
                        command.actionId(), command.command(), command.target(), applied, message, changed),
                null);
        KafkaProbe.send(Topics.GUARDIAN_COMMAND_RESULTS, command.actionId().toString(), codec.encode(result));
    }

    private static String actionStatus(UUID id) {
        return given().auth()
                .oauth2(READER)
                .when()
                .get("/api/v1/actions/" + id)
                .then()
                .statusCode(200)
                .extract()
                .path("status");
    }

    private static long fixedErrorsOf(String tool) {
        return Db.count(
                "select count(*) from guardian.error_logs where attributes ->> 'tool' = ? and fix_applied", tool);
    }

    @Test
    void aFlakyToolIsDisabledByARuleTheActionIsRecordedAndRevertingEnablesIt() {
        String tool = Names.unique("flaky-");
        String ruleName = Names.unique("disable flaky ");
        String ruleId = createRule(toolRule(ruleName, tool, 3, 2, 2, 3600));
        try (KafkaProbe commands = KafkaProbe.on(CommandTopic.name())) {
            fail(tool);
            UUID group = Db.awaitGroupOf(fail(tool));
            given().auth()
                    .oauth2(READER)
                    .queryParam("ruleId", ruleId)
                    .when()
                    .get("/api/v1/actions")
                    .then()
                    .statusCode(200)
                    .body("items", hasSize(0));

            Db.awaitGroupOf(fail(tool));
            RemediationCommand disable = awaitCommand(commands, RemediationCommand.DISABLE_TOOL, tool);
            assertTrue(
                    disable.reason().contains(ruleName) && disable.reason().contains("3 failures"), disable.reason());
            assertEquals(UUID.fromString(ruleId), disable.ruleId());
            assertEquals(group, disable.groupId());

            given().auth()
                    .oauth2(READER)
                    .when()
                    .get("/api/v1/actions/" + disable.actionId())
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("pending"))
                    .body("type", equalTo("disable_tool"))
                    .body("target", equalTo(tool))
                    .body("ruleName", equalTo(ruleName))
                    .body("groupId", equalTo(group.toString()))
                    .body("params.reason", equalTo(disable.reason()));
            assertEquals(0, fixedErrorsOf(tool), "nothing is fixed until the registry applied it");

            answer(disable, true, "tool " + tool + " disabled");
            await().atMost(WAIT).until(() -> "applied".equals(actionStatus(disable.actionId())));
            assertEquals(3, fixedErrorsOf(tool), "the errors the action answered get fix_applied");
            given().auth()
                    .oauth2(READER)
                    .queryParam("groupId", group.toString())
                    .queryParam("fixApplied", true)
                    .when()
                    .get("/api/v1/errors")
                    .then()
                    .statusCode(200)
                    .body("items", hasSize(3));
            await().atMost(WAIT)
                    .until(() -> "passed"
                            .equals(given().auth()
                                    .oauth2(READER)
                                    .when()
                                    .get("/api/v1/actions/" + disable.actionId())
                                    .then()
                                    .extract()
                                    .path("verification")));

            UUID revertId = UUID.fromString(given().auth()
                    .oauth2(OPERATOR)
                    .contentType(ContentType.JSON)
                    .body(Map.of("reason", "fixed the division in v1.0.1"))
                    .when()
                    .post("/api/v1/actions/" + disable.actionId() + "/revert")
                    .then()
                    .statusCode(202)
                    .body("type", equalTo("enable_tool"))
                    .body("revertsActionId", equalTo(disable.actionId().toString()))
                    .body("requestedBy", equalTo("oncall"))
                    .extract()
                    .path("id"));
            RemediationCommand enable = awaitCommand(commands, RemediationCommand.ENABLE_TOOL, tool);
            assertEquals(revertId, enable.actionId());
            assertEquals("fixed the division in v1.0.1", enable.reason());
            answer(enable, true, "tool " + tool + " enabled");

            await().atMost(WAIT).until(() -> "reverted".equals(actionStatus(disable.actionId())));
            assertEquals("applied", actionStatus(revertId));
            assertEquals(0, fixedErrorsOf(tool), "a reverted fix is no longer applied");
            given().auth()
                    .oauth2(OPERATOR)
                    .contentType(ContentType.JSON)
                    .body("{}")
                    .when()
                    .post("/api/v1/actions/" + disable.actionId() + "/revert")
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json");
            given().auth()
                    .oauth2(READER)
                    .when()
                    .get("/api/v1/error-groups/" + group)
                    .then()
                    .statusCode(200)
                    .body("timeline.history.kind", hasItem("action"));
        } finally {
            deleteRule(ruleId);
        }
        given().auth()
                .oauth2(READER)
                .queryParam("groupId", Db.awaitGroupOf(fail(tool)).toString())
                .when()
                .get("/api/v1/actions")
                .then()
                .statusCode(200)
                .body("items.ruleName", hasItem(ruleName));
    }

    @Test
    void revertingTheDisablingOfAToolSomeoneElseHadDisabledLeavesItDisabled() {
        String tool = Names.unique("predisabled-");
        String ruleId = createRule(toolRule(Names.unique("already off "), tool, 1, null, 2, 3600));
        try (KafkaProbe commands = KafkaProbe.on(CommandTopic.name())) {
            Db.awaitGroupOf(fail(tool));
            RemediationCommand disable = awaitCommand(commands, RemediationCommand.DISABLE_TOOL, tool);
            // The registry applied it, but the tool had been disabled by its owner before.
            answer(disable, true, "tool '" + tool + "' was already disabled", false);
            await().atMost(WAIT).until(() -> "applied".equals(actionStatus(disable.actionId())));
            given().auth()
                    .oauth2(READER)
                    .when()
                    .get("/api/v1/actions/" + disable.actionId())
                    .then()
                    .body("changedTarget", equalTo(false));

            given().auth()
                    .oauth2(OPERATOR)
                    .contentType(ContentType.JSON)
                    .body("{}")
                    .when()
                    .post("/api/v1/actions/" + disable.actionId() + "/revert")
                    .then()
                    .statusCode(202)
                    .body("type", equalTo("enable_tool"))
                    .body("status", equalTo("applied"))
                    .body("resultMessage", containsString("nothing to undo"));
            assertEquals("reverted", actionStatus(disable.actionId()));
            assertEquals(0, fixedErrorsOf(tool));
            // No enable command goes out: the owner's decision stands.
            assertTrue(
                    commands.collect(Duration.ofSeconds(3)).stream()
                            .map(record -> codec.decode(record.value()))
                            .filter(event -> EventTypes.REMEDIATION_COMMAND.equals(event.type()))
                            .map(event -> codec.data(event, RemediationCommand.class))
                            .noneMatch(command -> tool.equals(command.target())
                                    && RemediationCommand.ENABLE_TOOL.equals(command.command())),
                    "no enable_tool command for a tool the guardian did not disable");
        } finally {
            deleteRule(ruleId);
        }
    }

    @Test
    void aRefusedActionEscalatesTheGroupAndTheRuleStopsActingOnIt() {
        String tool = Names.unique("pinned-");
        String ruleId = createRule(toolRule(Names.unique("refused "), tool, 1, null, 5, 0));
        try (KafkaProbe commands = KafkaProbe.on(CommandTopic.name())) {
            UUID group = Db.awaitGroupOf(fail(tool));
            RemediationCommand disable = awaitCommand(commands, RemediationCommand.DISABLE_TOOL, tool);
            answer(disable, false, "tool is pinned by its owner");
            await().atMost(WAIT).until(() -> "refused".equals(actionStatus(disable.actionId())));
            given().auth()
                    .oauth2(READER)
                    .when()
                    .get("/api/v1/actions/" + disable.actionId())
                    .then()
                    .body("resultMessage", equalTo("tool is pinned by its owner"));
            given().auth()
                    .oauth2(READER)
                    .when()
                    .get("/api/v1/error-groups/" + group)
                    .then()
                    .statusCode(200)
                    .body("group.escalatedAt", notNullValue())
                    .body("group.escalationReason", containsString("refused"));

            Db.awaitGroupOf(fail(tool));
            Db.awaitGroupOf(fail(tool));
            assertEquals(
                    1,
                    Db.count(
                            "select count(*) from guardian.remediation_actions where rule_id = cast(? as uuid)",
                            ruleId),
                    "an escalated group is left to people");
            assertEquals(0, fixedErrorsOf(tool));
        } finally {
            deleteRule(ruleId);
        }
    }

    @Test
    void errorsAfterAnAppliedFixFailVerificationAndEscalate() {
        String tool = Names.unique("stubborn-");
        String ruleId = createRule(toolRule(Names.unique("verify "), tool, 1, 3600, 5, 0));
        try (KafkaProbe commands = KafkaProbe.on(CommandTopic.name())) {
            UUID group = Db.awaitGroupOf(fail(tool));
            RemediationCommand disable = awaitCommand(commands, RemediationCommand.DISABLE_TOOL, tool);
            answer(disable, true, "disabled");
            await().atMost(WAIT).until(() -> "applied".equals(actionStatus(disable.actionId())));
            fail(tool);
            await().atMost(WAIT)
                    .until(() -> "failed"
                            .equals(given().auth()
                                    .oauth2(READER)
                                    .when()
                                    .get("/api/v1/actions/" + disable.actionId())
                                    .then()
                                    .extract()
                                    .path("verification")));
            given().auth()
                    .oauth2(READER)
                    .when()
                    .get("/api/v1/error-groups/" + group)
                    .then()
                    .body("group.escalationReason", containsString("did not stop the errors"));
            assertEquals(
                    1,
                    Db.count(
                            "select count(*) from guardian.remediation_actions where rule_id = cast(? as uuid)",
                            ruleId),
                    "no second action while the first one is being verified");
        } finally {
            deleteRule(ruleId);
        }
    }

    @Test
    void afterMaxAttemptsTheGroupIsEscalatedInsteadOfActingAgain() {
        String tool = Names.unique("relapsing-");
        String ruleId = createRule(toolRule(Names.unique("attempts "), tool, 1, null, 1, 0));
        try (KafkaProbe commands = KafkaProbe.on(CommandTopic.name())) {
            UUID group = Db.awaitGroupOf(fail(tool));
            RemediationCommand disable = awaitCommand(commands, RemediationCommand.DISABLE_TOOL, tool);
            answer(disable, true, "disabled");
            // The answer and the next error travel on different topics: let the answer land first.
            await().atMost(WAIT).until(() -> "applied".equals(actionStatus(disable.actionId())));
            Db.awaitGroupOf(fail(tool));
            await().atMost(WAIT)
                    .until(() ->
                            Db.single("select escalated_at from guardian.error_groups where id = ?", group) != null);
            assertTrue(((String) Db.single("select escalation_reason from guardian.error_groups where id = ?", group))
                    .contains("its maximum"));
            assertEquals(
                    1,
                    Db.count(
                            "select count(*) from guardian.remediation_actions where rule_id = cast(? as uuid)",
                            ruleId));
        } finally {
            deleteRule(ruleId);
        }
    }

    @Test
    void aWebhookActionPostsToTheOperatorsEndpointAndItsRevertToo() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/hooks/guardian", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + "|"
                    + exchange.getRequestHeaders().getFirst("X-Prometheus-Action-Id"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        endpoint.start();
        String errorType = Names.unique("PagerTest");
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("name", Names.unique("page on call "));
        rule.put("match", Map.of("service", "memory-guild-service", "errorType", errorType));
        rule.put("guard", Map.of("threshold", 2, "windowSeconds", 300));
        rule.put(
                "action",
                Map.of(
                        "type",
                        "webhook",
                        "params",
                        Map.of(
                                "url",
                                "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hooks/guardian",
                                "message",
                                "{count} x {errorType} in {service}")));
        String ruleId = createRule(rule);
        try {
            ErrorEvents.publish("memory-guild-service", errorType, "index corrupt", null, null, Map.of());
            UUID group = Db.awaitGroupOf(
                    ErrorEvents.publish("memory-guild-service", errorType, "index corrupt", null, null, Map.of()));
            await().atMost(WAIT).until(() -> received.size() == 1);
            String[] first = received.get(0).split("\\|");
            assertTrue(first[0].contains("\"event\":\"remediation.action\""), first[0]);
            assertTrue(first[0].contains("\"message\":\"2 x " + errorType + " in memory-guild-service\""), first[0]);
            assertTrue(first[0].contains(group.toString()), first[0]);
            UUID actionId = UUID.fromString(first[1]);
            await().atMost(WAIT).until(() -> "applied".equals(actionStatus(actionId)));
            given().auth()
                    .oauth2(READER)
                    .when()
                    .get("/api/v1/actions/" + actionId)
                    .then()
                    .body("resultMessage", equalTo("HTTP 204"))
                    .body("type", equalTo("webhook"));
            assertEquals(
                    2, Db.count("select count(*) from guardian.error_logs where group_id = ? and fix_applied", group));

            given().auth()
                    .oauth2(OPERATOR)
                    .contentType(ContentType.JSON)
                    .body("{}")
                    .when()
                    .post("/api/v1/actions/" + actionId + "/revert")
                    .then()
                    .statusCode(202);
            await().atMost(WAIT).until(() -> received.size() == 2);
            assertTrue(received.get(1).contains("\"event\":\"remediation.reverted\""), received.get(1));
            await().atMost(WAIT).until(() -> "reverted".equals(actionStatus(actionId)));
        } finally {
            endpoint.stop(0);
            deleteRule(ruleId);
        }
    }

    @Test
    void aWebhookThatAnswersAnErrorFailsTheActionAndEscalates() throws Exception {
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/", exchange -> {
            byte[] body = "maintenance".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        endpoint.start();
        String errorType = Names.unique("DownstreamDown");
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("name", Names.unique("broken hook "));
        rule.put("match", Map.of("errorType", errorType));
        rule.put(
                "action",
                Map.of(
                        "type",
                        "webhook",
                        "params",
                        Map.of(
                                "url",
                                "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/")));
        String ruleId = createRule(rule);
        try {
            UUID group =
                    Db.awaitGroupOf(ErrorEvents.publish("sandbox-service", errorType, "down", null, null, Map.of()));
            await().atMost(WAIT)
                    .until(() ->
                            Db.single("select escalated_at from guardian.error_groups where id = ?", group) != null);
            given().auth()
                    .oauth2(READER)
                    .queryParam("groupId", group.toString())
                    .when()
                    .get("/api/v1/actions")
                    .then()
                    .statusCode(200)
                    .body("items[0].status", equalTo("failed"))
                    .body("items[0].resultMessage", equalTo("HTTP 503: maintenance"));
        } finally {
            endpoint.stop(0);
            deleteRule(ruleId);
        }
    }

    @Test
    void webhooksToInternalAddressesAreRefusedWhenTheRuleIsSavedAndAgainWhenSent() throws Exception {
        for (String url : List.of(
                "http://169.254.169.254/latest/meta-data/",
                "http://127.0.0.2:8080/",
                "http://localhost:5432/",
                "http://10.0.0.7/hook",
                "http://[::1]:8080/",
                "file:///etc/passwd",
                "gopher://127.0.0.1:6379/_INFO")) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("name", Names.unique("ssrf "));
            rule.put("match", Map.of("errorType", "Anything"));
            rule.put("action", Map.of("type", "webhook", "params", Map.of("url", url)));
            given().auth()
                    .oauth2(OPERATOR)
                    .contentType(ContentType.JSON)
                    .body(rule)
                    .when()
                    .post("/api/v1/rules")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors.field", hasItem("action.params.url"));
        }

        // A rule whose URL turned internal after it was saved (here: changed in the database, as a
        // rule from before the check would be) is refused at the send, and nothing is sent.
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        endpoint.createContext("/", exchange -> {
            received.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        endpoint.start();
        String errorType = Names.unique("Internal");
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("name", Names.unique("turned internal "));
        rule.put("match", Map.of("errorType", errorType));
        rule.put("action", Map.of("type", "webhook", "params", Map.of("url", "http://127.0.0.1:9/")));
        String ruleId = createRule(rule);
        try {
            Db.update(
                    "update guardian.remediation_rules set action_params = cast(? as jsonb) where id = cast(? as uuid)",
                    "{\"url\": \"http://127.0.0.2:" + endpoint.getAddress().getPort() + "/hook\"}",
                    ruleId);
            UUID group = Db.awaitGroupOf(ErrorEvents.publish("sandbox-service", errorType, "x", null, null, Map.of()));
            await().atMost(WAIT)
                    .until(() ->
                            Db.single("select escalated_at from guardian.error_groups where id = ?", group) != null);
            given().auth()
                    .oauth2(READER)
                    .queryParam("groupId", group.toString())
                    .when()
                    .get("/api/v1/actions")
                    .then()
                    .statusCode(200)
                    .body("items[0].status", equalTo("failed"))
                    .body("items[0].resultMessage", containsString("webhook refused"))
                    .body("items[0].resultMessage", containsString("loopback"));
            assertTrue(received.isEmpty(), "nothing reached the internal endpoint: " + received);
        } finally {
            endpoint.stop(0);
            deleteRule(ruleId);
        }
    }

    @Test
    void rulesAreValidatedNamedUniquelyAndManagedByGuardianAdmins() {
        String name = Names.unique("crud ");
        Map<String, Object> valid = toolRule(name, "some-tool", 5, 300, 3, 600);

        Map<String, Object> noMatch = new LinkedHashMap<>(valid);
        noMatch.put("match", Map.of());
        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(noMatch)
                .when()
                .post("/api/v1/rules")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("match"));
        Map<String, Object> badAction = new LinkedHashMap<>(valid);
        badAction.put("action", Map.of("type", "reboot_cluster"));
        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(badAction)
                .when()
                .post("/api/v1/rules")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("action.type"))
                .body("errors.reason", hasItem(containsString("disable_tool")));
        Map<String, Object> hookWithoutUrl = new LinkedHashMap<>(valid);
        hookWithoutUrl.put("action", Map.of("type", "webhook", "params", Map.of("url", "ftp://x")));
        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(hookWithoutUrl)
                .when()
                .post("/api/v1/rules")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("action.params.url"));
        Map<String, Object> badGuard = new LinkedHashMap<>(valid);
        badGuard.put("guard", Map.of("threshold", 0, "maxAttempts", 0));
        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(badGuard)
                .when()
                .post("/api/v1/rules")
                .then()
                .statusCode(400)
                .body("errors.field", hasItems("guard.threshold", "guard.maxAttempts"));
        given().auth()
                .oauth2(READER)
                .contentType(ContentType.JSON)
                .body(valid)
                .when()
                .post("/api/v1/rules")
                .then()
                .statusCode(403)
                .body("detail", containsString("guardian:admin"));

        String id = createRule(valid);
        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(valid)
                .when()
                .post("/api/v1/rules")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(READER)
                .when()
                .get("/api/v1/rules/" + id)
                .then()
                .statusCode(200)
                .body("name", equalTo(name))
                .body("enabled", equalTo(true))
                .body("match.attributes.tool", equalTo("some-tool"))
                .body("guard.threshold", equalTo(5))
                .body("verify.quietSeconds", equalTo(300))
                .body("createdBy", equalTo("oncall"));
        Map<String, Object> changed = toolRule(name + " v2", "some-tool", 7, null, 3, 600);
        changed.put("enabled", false);
        given().auth()
                .oauth2(OPERATOR)
                .contentType(ContentType.JSON)
                .body(changed)
                .when()
                .put("/api/v1/rules/" + id)
                .then()
                .statusCode(200)
                .body("name", equalTo(name + " v2"))
                .body("enabled", equalTo(false))
                .body("guard.threshold", equalTo(7));
        given().auth()
                .oauth2(READER)
                .queryParam("size", 200)
                .when()
                .get("/api/v1/rules")
                .then()
                .statusCode(200)
                .body("items.name", hasItem(name + " v2"));
        deleteRule(id);
        given().auth().oauth2(READER).when().get("/api/v1/rules/" + id).then().statusCode(404);
        given().auth()
                .oauth2(OPERATOR)
                .when()
                .delete("/api/v1/rules/" + id)
                .then()
                .statusCode(404);
        assertNotNull(name);
    }
}
