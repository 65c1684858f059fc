package ai.prometheus.registry.invocation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.platform.mcp.McpTransport;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.SseClient;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A running tool's progress and log lines reach MCP clients and REST followers while it runs (the
 * sandbox streams them), not only with its result. Each test proves the order, not a timing: when
 * the first event arrived, the sandbox still held the run as RUNNING.
 */
@QuarkusTest
class LiveEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reports progress and a log line, then keeps running for a while before it answers. */
    private static final String SLOW_REPORTER = String.join(
            "\n",
            "import json, sys, time",
            "def event(**body):",
            "    print('::prometheus:: ' + json.dumps(body), file=sys.stderr, flush=True)",
            "event(progress=1, total=2, message='half way')",
            "event(level='warning', message='careful', logger='slow')",
            "time.sleep(4)",
            "event(progress=2, total=2)",
            "print('done')");

    @TestHTTPResource("/")
    URL base;

    @Test
    void mcpToolCallSendsProgressWhileTheToolIsStillRunning() throws Exception {
        String subject = "live-mcp-" + UUID.randomUUID();
        String agent = TestTokens.agent(subject, "tools:read tools:invoke");
        String tool = register("live_mcp");
        Map<String, Object> call = Map.of(
                "jsonrpc",
                "2.0",
                "id",
                7,
                "method",
                "tools/call",
                "params",
                Map.of("name", tool, "arguments", Map.of(), "_meta", Map.of("progressToken", "live-1")));
        try (SseClient stream = SseClient.open(
                "POST",
                base + "mcp",
                Map.of(
                        "Authorization",
                        "Bearer " + agent,
                        "Content-Type",
                        "application/json",
                        "Accept",
                        "application/json, text/event-stream",
                        McpTransport.PROTOCOL_VERSION_HEADER,
                        "2025-11-25"),
                JSON.writeValueAsString(call))) {
            assertEquals(200, stream.status());
            assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
            SseClient.Event priming = stream.next(Duration.ofSeconds(30));
            assertEquals("", priming.data(), "a priming event with no data comes first");

            JsonNode progress =
                    JSON.readTree(stream.next(Duration.ofSeconds(30)).data());
            assertEquals("notifications/progress", progress.path("method").asText(), progress.toString());
            assertEquals("live-1", progress.path("params").path("progressToken").asText());
            assertEquals(1, progress.path("params").path("progress").asInt());
            assertEquals("half way", progress.path("params").path("message").asText());
            assertEquals("RUNNING", sandboxStatusFor(subject), "the run had not ended when its progress arrived");

            JsonNode log = JSON.readTree(stream.next(Duration.ofSeconds(30)).data());
            assertEquals("notifications/message", log.path("method").asText(), log.toString());
            assertEquals("warning", log.path("params").path("level").asText());
            assertEquals("slow", log.path("params").path("logger").asText());

            List<JsonNode> rest = stream.rest(Duration.ofSeconds(60)).stream()
                    .map(event -> read(event.data()))
                    .toList();
            assertEquals(2, rest.size(), rest.toString());
            assertEquals(2, rest.get(0).path("params").path("progress").asInt(), rest.toString());
            JsonNode response = rest.get(1);
            assertEquals(7, response.path("id").asInt(), response.toString());
            assertEquals(
                    "done",
                    response.path("result")
                            .path("content")
                            .path(0)
                            .path("text")
                            .asText()
                            .strip());
            assertEquals("OK", sandboxStatusFor(subject));
        }
    }

    @Test
    void restFollowerGetsLiveEventsThenTheOutcomeAndLaterTheStoredOnes() throws Exception {
        String subject = "live-rest-" + UUID.randomUUID();
        String agent = TestTokens.agent(subject, "tools:read tools:invoke");
        String tool = register("live_rest");
        String key = "follow-" + UUID.randomUUID();
        UUID id = RawInvocation.id(subject, key);
        CompletableFuture<String> invoked = CompletableFuture.supplyAsync(() -> given().auth()
                .oauth2(agent)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(Map.of("arguments", Map.of()))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(200)
                .extract()
                .path("status"));

        SseClient stream = followOnceItIsKnown(agent, id);
        try {
            SseClient.Event first = stream.next(Duration.ofSeconds(30));
            assertNotNull(first);
            assertEquals("progress", first.name());
            assertEquals(1, read(first.data()).path("progress").asInt());
            assertEquals("RUNNING", sandboxStatusFor(subject), "the run had not ended when its progress arrived");
            List<SseClient.Event> rest = stream.rest(Duration.ofSeconds(60));
            assertEquals(
                    List.of("log", "progress", "outcome"),
                    rest.stream().map(SseClient.Event::name).toList());
            JsonNode outcome = read(rest.get(2).data());
            assertEquals("COMPLETED", outcome.path("status").asText(), outcome.toString());
            assertEquals(id.toString(), outcome.path("id").asText());
        } finally {
            stream.close();
        }
        assertEquals("COMPLETED", invoked.get());

        // Afterwards: the stored events, then the outcome.
        try (SseClient replay = follow(agent, id)) {
            assertEquals(
                    List.of("progress", "log", "progress", "outcome"),
                    replay.rest(Duration.ofSeconds(30)).stream()
                            .map(SseClient.Event::name)
                            .toList());
        }
        // Another caller cannot follow it, and nothing is found under an unknown id.
        try (SseClient stranger = follow(TestTokens.agent("live-stranger", "tools:read tools:invoke"), id)) {
            assertEquals(404, stranger.status());
            assertTrue(stranger.contentType().startsWith("application/problem+json"), stranger.contentType());
        }
        try (SseClient unknown = follow(agent, UUID.randomUUID())) {
            assertEquals(404, unknown.status());
        }
        given().auth()
                .oauth2(agent)
                .when()
                .get("/api/v1/invocations/not-a-uuid/events")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    /**
     * An asynchronous run's lines travel from the sandbox over Kafka while it runs: a follower (on
     * any replica: nothing of the run is held in this one's memory) gets them before the outcome,
     * and the invocation keeps them afterwards.
     */
    @Test
    void asyncInvocationIsFollowedWhileItRunsAndKeepsItsEvents() throws Exception {
        String subject = "live-async-" + UUID.randomUUID();
        String agent = TestTokens.agent(subject, "tools:read tools:invoke");
        String tool = register("live_async", SLOW_REPORTER.replace("time.sleep(4)", "time.sleep(8)"));
        UUID id = UUID.fromString(given().auth()
                .oauth2(agent)
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of(), "mode", "async"))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(202)
                .extract()
                .path("id"));

        try (SseClient stream = follow(agent, id)) {
            assertEquals(200, stream.status());
            SseClient.Event first = stream.next(Duration.ofSeconds(60));
            assertNotNull(first, "no event while the run went on");
            assertEquals("progress", first.name(), first.data());
            assertEquals(1, read(first.data()).path("progress").asInt());
            assertEquals("RUNNING", sandboxStatusFor(subject), "the run had not ended when its progress arrived");
            List<SseClient.Event> rest = stream.rest(Duration.ofSeconds(60));
            assertEquals(
                    List.of("log", "progress", "outcome"),
                    rest.stream().map(SseClient.Event::name).toList());
            JsonNode outcome = read(rest.get(2).data());
            assertEquals("COMPLETED", outcome.path("status").asText(), outcome.toString());
        }
        given().auth()
                .oauth2(agent)
                .when()
                .get("/api/v1/invocations/" + id)
                .then()
                .statusCode(200)
                .body("events.type", contains("progress", "log", "progress"))
                .body("events[1].level", equalTo("warning"));
    }

    /** The invocation is known once the registry sent it to the sandbox: until then a follower gets 404. */
    private SseClient followOnceItIsKnown(String agent, UUID id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            SseClient stream = follow(agent, id);
            if (stream.status() == 200 || System.nanoTime() > deadline) {
                assertEquals(200, stream.status());
                return stream;
            }
            stream.close();
            Thread.sleep(20);
        }
    }

    private SseClient follow(String agent, UUID id) throws Exception {
        return SseClient.open(
                "GET",
                base + "api/v1/invocations/" + id + "/events",
                Map.of("Authorization", "Bearer " + agent, "Accept", "text/event-stream"),
                null);
    }

    private static String register(String prefix) {
        return register(prefix, SLOW_REPORTER);
    }

    private static String register(String prefix, String code) {
        return RegistryFixtures.registerPython(
                "live-owner", prefix, RegistryFixtures.NO_ARGUMENTS, code, Map.of("wallMs", 20_000));
    }

    /** The sandbox's record of the one run made on behalf of {@code subject}. */
    private static String sandboxStatusFor(String subject) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select status from sandbox.executions where on_behalf_of = ?")) {
            query.setString(1, subject);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static JsonNode read(String data) {
        try {
            return JSON.readTree(data);
        } catch (Exception e) {
            throw new IllegalStateException(data, e);
        }
    }
}
