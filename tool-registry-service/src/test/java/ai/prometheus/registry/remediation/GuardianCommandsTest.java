package ai.prometheus.registry.remediation;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryEngines;
import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.remediation.RemediationCommand;
import ai.prometheus.shared.remediation.RemediationResult;
import ai.prometheus.shared.testing.KafkaProbe;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The registry's half of remediation: it really disables and enables tools on the guardian's command. */
@QuarkusTest
class GuardianCommandsTest {

    private final EventCodec codec = new EventCodec();

    private CloudEvent command(UUID actionId, String command, String tool, String reason) {
        return codec.create(
                "/guardian-service",
                EventTypes.REMEDIATION_COMMAND,
                "actions/" + actionId,
                new RemediationCommand(actionId, command, tool, reason, UUID.randomUUID(), UUID.randomUUID()),
                null);
    }

    private RemediationResult awaitResult(KafkaProbe probe, UUID actionId) {
        CloudEvent event = probe.await(
                e -> EventTypes.REMEDIATION_RESULT.equals(e.type())
                        && actionId.equals(
                                probe.codec().data(e, RemediationResult.class).actionId()),
                Duration.ofSeconds(30));
        return probe.codec().data(event, RemediationResult.class);
    }

    @Test
    void disableThenEnableOnCommandAnsweringEachOnceAndIdempotently() {
        String tool = RegistryFixtures.registerWeatherTool("gil", "remedy");
        UUID disable = UUID.randomUUID();
        try (KafkaProbe results = KafkaProbe.on(Topics.GUARDIAN_COMMAND_RESULTS)) {
            KafkaProbe.send(
                    RegistryEngines.COMMANDS,
                    tool,
                    codec.encode(
                            command(disable, RemediationCommand.DISABLE_TOOL, tool, "failing 5 times in 10 minutes")));
            RemediationResult result = awaitResult(results, disable);
            assertTrue(result.applied(), result.message());
            assertEquals(Boolean.TRUE, result.changed(), "the registry says it disabled the tool itself");
            given().auth()
                    .oauth2(developer("gil"))
                    .when()
                    .get("/api/v1/tools/" + tool)
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("DISABLED"))
                    .body("statusReason", equalTo("failing 5 times in 10 minutes"));

            // The same action again (a new event, e.g. a retry by the guardian): answered, not re-applied.
            KafkaProbe.send(
                    RegistryEngines.COMMANDS,
                    tool,
                    codec.encode(
                            command(disable, RemediationCommand.DISABLE_TOOL, tool, "failing 5 times in 10 minutes")));
            assertTrue(awaitResult(results, disable).applied());

            UUID enable = UUID.randomUUID();
            KafkaProbe.send(
                    RegistryEngines.COMMANDS,
                    tool,
                    codec.encode(command(enable, RemediationCommand.ENABLE_TOOL, tool, "revert")));
            assertTrue(awaitResult(results, enable).applied());
            given().auth()
                    .oauth2(developer("gil"))
                    .when()
                    .get("/api/v1/tools/" + tool)
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("ACTIVE"));
        }
        given().auth()
                .oauth2(TestTokens.withScope("auditor", "audit:read"))
                .queryParam("tool", tool)
                .queryParam("action", "tool.status")
                .when()
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("items", hasSize(2))
                .body("items.actor", equalTo(java.util.List.of("guardian-service", "guardian-service")));
    }

    @Test
    void disablingAToolSomeoneElseDisabledIsAppliedButSaysNothingChanged() {
        String tool = RegistryFixtures.registerWeatherTool("gil", "predisabled");
        given().auth()
                .oauth2(developer("gil"))
                .contentType(io.restassured.http.ContentType.JSON)
                .body(java.util.Map.of("status", "DISABLED", "reason", "owner is migrating it"))
                .when()
                .put("/api/v1/tools/" + tool + "/status")
                .then()
                .statusCode(200);
        UUID disable = UUID.randomUUID();
        try (KafkaProbe results = KafkaProbe.on(Topics.GUARDIAN_COMMAND_RESULTS)) {
            KafkaProbe.send(
                    RegistryEngines.COMMANDS,
                    tool,
                    codec.encode(command(disable, RemediationCommand.DISABLE_TOOL, tool, "failing")));
            RemediationResult result = awaitResult(results, disable);
            assertTrue(result.applied(), result.message());
            assertEquals(Boolean.FALSE, result.changed(), "the tool was disabled before the command");
        }
        given().auth()
                .oauth2(developer("gil"))
                .when()
                .get("/api/v1/tools/" + tool)
                .then()
                .body("status", equalTo("DISABLED"))
                .body("statusReason", equalTo("owner is migrating it"));
    }

    @Test
    void commandForAnUnknownToolIsAnsweredNotApplied() {
        UUID action = UUID.randomUUID();
        try (KafkaProbe results = KafkaProbe.on(Topics.GUARDIAN_COMMAND_RESULTS)) {
            KafkaProbe.send(
                    RegistryEngines.COMMANDS,
                    "ghost",
                    codec.encode(command(action, RemediationCommand.DISABLE_TOOL, "ghost_tool_" + action, "x")));
            RemediationResult result = awaitResult(results, action);
            assertFalse(result.applied());
            assertTrue(result.message().contains("no tool"), result.message());
        }
    }

    @Test
    void unknownCommandIsRefusedAndUnreadableRecordsGoToTheDeadLetterTopic() {
        String tool = RegistryFixtures.registerWeatherTool("gil", "odd");
        UUID action = UUID.randomUUID();
        try (KafkaProbe results = KafkaProbe.on(Topics.GUARDIAN_COMMAND_RESULTS);
                KafkaProbe dlq = KafkaProbe.on(Topics.deadLetter(RegistryEngines.COMMANDS, "tool-registry-service"))) {
            KafkaProbe.send(
                    RegistryEngines.COMMANDS, tool, codec.encode(command(action, "DELETE_EVERYTHING", tool, "x")));
            assertFalse(awaitResult(results, action).applied());
            String garbage = "not an event " + UUID.randomUUID();
            KafkaProbe.send(RegistryEngines.COMMANDS, tool, garbage);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> dlq.collect(Duration.ofMillis(500)).stream().anyMatch(r -> garbage.equals(r.value())));
        }
        given().auth()
                .oauth2(developer("gil"))
                .when()
                .get("/api/v1/tools/" + tool)
                .then()
                .body("status", equalTo("ACTIVE"));
    }
}
