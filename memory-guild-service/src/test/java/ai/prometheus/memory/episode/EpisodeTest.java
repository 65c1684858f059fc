package ai.prometheus.memory.episode;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.MemoryApi;
import ai.prometheus.shared.event.CallerClaims;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.security.PrincipalKind;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EpisodeTest {

    private final EventCodec codec = new EventCodec();
    private final String owner = "episode-agent-" + UUID.randomUUID();
    private final MemoryApi api = MemoryApi.agent(owner);

    @Test
    void aCompletedInvocationBecomesAnEpisodeOnceHoweverOftenItIsDelivered() throws Exception {
        String context = api.createContext("agent memory", null);
        UUID contextId = UUID.fromString(context);
        String key = "invocations/" + UUID.randomUUID();
        CloudEvent completed = completed(contextId, "weather", "{\"city\":\"Paris\"}", owner, claims());
        String json = codec.encode(completed);
        for (int i = 0; i < 3; i++) {
            KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, key, json);
        }
        // Same key, same partition: once this later event is stored, the copies before it were handled.
        // It is in the format from before events carried the caller's claims: the owner's subject suffices.
        CloudEvent sentinel = failed(contextId, "stocks", owner);
        assertFalse(codec.encode(sentinel).contains("callerClaims"));
        KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, key, codec.encode(sentinel));
        await().atMost(Duration.ofSeconds(30)).until(() -> episodesOf(context) == 2);
        assertEquals(2, episodesOf(context));

        UUID invocation = codec.data(completed, ToolInvocationCompleted.class).invocationId();
        api.request()
                .queryParam("kind", "episode")
                .get("/api/v1/contexts/" + context + "/memories")
                .then()
                .statusCode(200)
                .body("items", hasSize(2))
                .body(
                        "items.find { it.metadata.tool == 'weather' }.content",
                        containsString("Tool weather v2 completed for " + owner))
                .body("items.find { it.metadata.tool == 'weather' }.content", containsString("Paris"))
                .body(
                        "items.find { it.metadata.tool == 'weather' }.metadata.invocationId",
                        equalTo(invocation.toString()))
                .body("items.find { it.metadata.tool == 'weather' }.metadata.status", equalTo("SUCCESS"))
                .body("items.find { it.metadata.tool == 'stocks' }.metadata.outcome", equalTo("failed"))
                .body("items.find { it.metadata.tool == 'stocks' }.content", containsString("upstream timed out"));
        var weather = api.request()
                .queryParam("kind", "episode")
                .get("/api/v1/contexts/" + context + "/memories")
                .then()
                .extract()
                .jsonPath();
        Instant finishedAt =
                codec.data(completed, ToolInvocationCompleted.class).finishedAt();
        assertEquals(
                finishedAt,
                Instant.parse(weather.getString("items.find { it.metadata.tool == 'weather' }.occurredAt")),
                "an episode happened when its invocation finished");
        assertTrue(Instant.parse(weather.getString("items.find { it.metadata.tool == 'weather' }.createdAt"))
                .isAfter(finishedAt));
        // Episodes are memories like any other: searchable by meaning once embedded.
        api.awaitEmbedded(context);
        api.search(
                        context,
                        Map.of(
                                "query",
                                "what was the forecast lookup for the French capital",
                                "mode",
                                "semantic",
                                "filters",
                                Map.of("kind", "episode")))
                .then()
                .statusCode(200)
                .body("results[0].memory.metadata.tool", equalTo("weather"));
    }

    @Test
    void unknownContextsAndOtherEventTypesAreSkippedAndUnreadableRecordsGoToTheDeadLetterTopic() throws Exception {
        String context = api.createContext("sink", null);
        String key = "invocations/" + UUID.randomUUID();
        String dlq = Topics.TOOL_INVOCATION_RESULTS + ".memory-guild-service.dlq";
        try (KafkaProbe probe = KafkaProbe.on(dlq)) {
            CloudEvent nowhere = completed(UUID.randomUUID(), "weather", "{}", owner, claims());
            CloudEvent noContext = completed(null, "weather", "{}", owner, claims());
            CloudEvent otherType = codec.create(
                    "/tool-registry-service",
                    EventTypes.TOOL_INVOCATION_REQUESTED,
                    key,
                    new ToolInvocationRequested(
                            UUID.randomUUID(),
                            "weather",
                            1,
                            "fp",
                            "python",
                            "print(1)",
                            JsonNodeFactory.instance.objectNode(),
                            null,
                            owner,
                            UUID.fromString(context),
                            null,
                            null,
                            null),
                    null);
            String garbage = "{not json " + UUID.randomUUID();
            CloudEvent noTool = completed(UUID.fromString(context), null, "{}", owner, claims());
            for (String record : List.of(
                    codec.encode(nowhere),
                    codec.encode(noContext),
                    codec.encode(otherType),
                    garbage,
                    codec.encode(noTool))) {
                KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, key, record);
            }
            CloudEvent sentinel = completed(UUID.fromString(context), "sentinel", "{}", owner, claims());
            KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, key, codec.encode(sentinel));
            await().atMost(Duration.ofSeconds(30)).until(() -> episodesOf(context) == 1);

            List<String> deadLetters = probe.collect(Duration.ofSeconds(5)).stream()
                    .map(ConsumerRecord::value)
                    .toList();
            assertTrue(deadLetters.contains(garbage), "the unreadable record reached " + dlq);
            assertTrue(deadLetters.contains(codec.encode(noTool)), "the event without a tool reached " + dlq);
            assertTrue(
                    deadLetters.stream().noneMatch(value -> value.contains(otherType.id())),
                    "an event of another type is skipped, not dead-lettered");
            assertTrue(
                    deadLetters.stream().noneMatch(value -> value.contains(nowhere.id())),
                    "an event for a missing context is not an error");
        }
    }

    @Test
    void anEpisodeIsWrittenOnlyWhereItsCallerMayWriteAndARefusalIsNotDeadLettered() throws Exception {
        String context = api.createContext("private memory", null);
        UUID contextId = UUID.fromString(context);
        String other = api.createContext("another context", null);
        String intruder = "intruder-" + UUID.randomUUID();
        String member = "member-" + UUID.randomUUID();
        String group = "episode-team-" + UUID.randomUUID();
        api.request()
                .body(Map.of("granteeType", "group", "grantee", group, "access", "write"))
                .post("/api/v1/contexts/" + context + "/shares")
                .then()
                .statusCode(201);
        double refusedBefore = refused("no-access") + refused("no-permission");

        String key = "invocations/" + UUID.randomUUID();
        String dlq = Topics.TOOL_INVOCATION_RESULTS + ".memory-guild-service.dlq";
        try (KafkaProbe probe = KafkaProbe.on(dlq)) {
            List<CloudEvent> refusedEvents = List.of(
                    // Someone else's context, named by a caller that may use the memory API at all.
                    completed(contextId, "injected", "{}", intruder, claims()),
                    failed(contextId, "injected-old-format", intruder),
                    // The owner's own context, but through a token without memory:write for it.
                    completed(
                            contextId,
                            "narrow-token",
                            "{}",
                            owner,
                            new CallerClaims(PrincipalKind.AGENT, List.of(), List.of("memory:write:" + other))),
                    // A group share counts only when the event says the caller is in the group.
                    failed(contextId, "member-old-format", member));
            CloudEvent byMember = completed(contextId, "shared-write", "{}", member, claims(group));
            CloudEvent sentinel = completed(contextId, "sentinel", "{}", owner, claims());
            for (CloudEvent event : refusedEvents) {
                KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, key, codec.encode(event));
            }
            KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, key, codec.encode(byMember));
            KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, key, codec.encode(sentinel));
            await().atMost(Duration.ofSeconds(30)).until(() -> episodesOf(context) == 2);
            assertEquals(2, episodesOf(context));
            api.request()
                    .queryParam("kind", "episode")
                    .get("/api/v1/contexts/" + context + "/memories")
                    .then()
                    .statusCode(200)
                    .body("items.metadata.tool", containsInAnyOrder("shared-write", "sentinel"));

            List<String> deadLetters = probe.collect(Duration.ofSeconds(5)).stream()
                    .map(ConsumerRecord::value)
                    .toList();
            for (CloudEvent event : refusedEvents) {
                assertTrue(
                        deadLetters.stream().noneMatch(value -> value.contains(event.id())),
                        "a refused episode is not dead-lettered: " + event.id());
            }
            assertEquals(refusedBefore + 4, refused("no-access") + refused("no-permission"));
            // Each refused event was marked processed: delivered again, it is neither written nor counted again.
            KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, key, codec.encode(refusedEvents.get(0)));
            CloudEvent second = completed(contextId, "second-sentinel", "{}", owner, claims());
            KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, key, codec.encode(second));
            await().atMost(Duration.ofSeconds(30)).until(() -> episodesOf(context) == 3);
            assertEquals(refusedBefore + 4, refused("no-access") + refused("no-permission"));
        }
    }

    /** The claims the registry sends for an agent with the agent role's memory permissions. */
    private static CallerClaims claims(String... groups) {
        return new CallerClaims(
                PrincipalKind.AGENT, List.of(groups), List.of("memory:read", "memory:write", "tools:invoke"));
    }

    private CloudEvent completed(UUID contextId, String tool, String resultJson, String caller, CallerClaims claims)
            throws Exception {
        // An hour ago: the episode must be dated by the invocation, not by when memory wrote it.
        Instant now =
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minus(Duration.ofHours(1));
        return codec.create(
                "/tool-registry-service",
                EventTypes.TOOL_INVOCATION_COMPLETED,
                "invocations/x",
                new ToolInvocationCompleted(
                        UUID.randomUUID(),
                        tool,
                        2,
                        caller,
                        contextId,
                        "SUCCESS",
                        codec.mapper()
                                .readTree(
                                        resultJson.equals("{}")
                                                ? "{\"temperature\":21}"
                                                : "{\"forecast\":\"sunny, 24 degrees in Paris\"}"),
                        resultJson,
                        null,
                        120,
                        now.minusMillis(120),
                        now,
                        claims,
                        null),
                null);
    }

    /** A failed invocation in the format from before events carried the caller's claims. */
    private CloudEvent failed(UUID contextId, String tool, String caller) {
        Instant now = Instant.now();
        return codec.create(
                "/sandbox-service",
                EventTypes.TOOL_INVOCATION_FAILED,
                "invocations/y",
                new ToolInvocationFailed(
                        UUID.randomUUID(),
                        tool,
                        1,
                        caller,
                        contextId,
                        "TIMEOUT_WALL",
                        "upstream timed out after 10 s",
                        null,
                        false,
                        "{\"ticker\":\"ACME\"}",
                        null,
                        10_000,
                        now.minusSeconds(10),
                        now,
                        null,
                        null),
                null);
    }

    /** The refused-episode counter for {@code reason}, as the service exports it. */
    private static double refused(String reason) {
        return given().get("/q/metrics")
                .asString()
                .lines()
                .filter(line ->
                        line.startsWith("memory_episodes_refused_total{") && line.contains("reason=\"" + reason + "\""))
                // The value follows the labels; an exemplar may follow the value.
                .mapToDouble(line -> Double.parseDouble(
                        line.substring(line.indexOf("} ") + 2).split(" ")[0]))
                .sum();
    }

    private static long episodesOf(String contextId) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select count(*) from memory_guild.memories where context_id = ? and kind = 'episode'")) {
            query.setObject(1, UUID.fromString(contextId));
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
