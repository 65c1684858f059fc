package ai.prometheus.sandbox.execution;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.SseClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** POST /api/v1/executions with Accept: text/event-stream: the run's events live, then its result. */
@QuarkusTest
class ExecutionStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reports progress and a log line, then keeps running for a while before it answers. */
    private static final String SLOW_REPORTER = String.join(
            "\n",
            "import json, sys, time",
            "def event(**body):",
            "    print('::prometheus:: ' + json.dumps(body), file=sys.stderr, flush=True)",
            "event(progress=1, total=2, message='half way')",
            "event(level='warning', message='careful', logger='t')",
            "time.sleep(4)",
            "print('::prometheus:: {not json', file=sys.stderr, flush=True)",
            "event(progress=2, total=2)",
            "print('done')");

    @TestHTTPResource("/api/v1/executions")
    URL executions;

    @Test
    void progressArrivesWhileTheRunIsStillRunningThenTheResult() throws Exception {
        String key = "stream-" + UUID.randomUUID();
        try (SseClient stream = open(key, SandboxApi.body("python", SLOW_REPORTER, Map.of()))) {
            assertEquals(200, stream.status());
            assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());

            SseClient.Event progress = stream.next(Duration.ofSeconds(30));
            assertNotNull(progress, "no event came");
            assertEquals("progress", progress.name());
            JsonNode first = JSON.readTree(progress.data());
            assertEquals(1, first.get("progress").asInt());
            assertEquals(2, first.get("total").asInt());
            assertEquals("half way", first.get("message").asText());
            // The proof that it is live: the execution, claimed under its key before it ran, is not finished yet.
            assertEquals("RUNNING", statusOf(key));

            SseClient.Event log = stream.next(Duration.ofSeconds(10));
            assertEquals("log", log.name());
            JsonNode line = JSON.readTree(log.data());
            assertEquals("warning", line.get("level").asText());
            assertEquals("careful", line.get("message").asText());
            assertEquals("t", line.get("logger").asText());

            List<SseClient.Event> rest = stream.rest(Duration.ofSeconds(30));
            assertEquals(
                    List.of("progress", "result"),
                    rest.stream().map(SseClient.Event::name).toList());
            JsonNode result = JSON.readTree(rest.get(1).data());
            assertEquals("OK", result.get("status").asText());
            assertEquals("done\n", result.get("stdout").asText());
            assertTrue(result.get("stderr").asText().contains("{not json"), "the malformed line stays plain stderr");
            assertEquals("OK", statusOf(key));

            // The same key again: the first result, replayed, and no events (nothing ran).
            try (SseClient replay = open(key, SandboxApi.body("python", SLOW_REPORTER, Map.of()))) {
                List<SseClient.Event> events = replay.rest(Duration.ofSeconds(30));
                assertEquals(
                        List.of("result"),
                        events.stream().map(SseClient.Event::name).toList());
                assertEquals(
                        result.get("id"), JSON.readTree(events.get(0).data()).get("id"));
            }
        }
    }

    @Test
    void secretsAreRedactedFromLiveEvents() throws Exception {
        Map<String, Object> body = new java.util.LinkedHashMap<>(SandboxApi.body(
                "python",
                "import os, sys\nprint('::prometheus:: {\"level\": \"info\", \"message\": \"key ' + os.environ['API_KEY']"
                        + " + '\"}', file=sys.stderr)",
                Map.of()));
        body.put("secrets", Map.of("API_KEY", "s3cr3t-value-42"));
        try (SseClient stream = open(null, body)) {
            SseClient.Event log = stream.next("log", Duration.ofSeconds(30));
            assertNotNull(log);
            assertTrue(!log.data().contains("s3cr3t-value-42"), log.data());
            assertEquals("result", stream.next(Duration.ofSeconds(30)).name());
        }
    }

    @Test
    void refusalsBeforeTheRunAreProblemDetailsNotStreams() throws Exception {
        try (SseClient stream = open(null, Map.of("language", "python"))) {
            assertEquals(400, stream.status());
            assertTrue(stream.contentType().startsWith("application/problem+json"), stream.contentType());
            assertTrue(stream.text().contains("code"));
        }
        try (SseClient stream = open(null, Map.of("language", "cobol", "code", "x"))) {
            assertEquals(400, stream.status());
        }
    }

    @Test
    void theJsonCallIsUnchangedForClientsThatAcceptAnything() {
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .accept("*/*")
                .body(SandboxApi.body("python", "print(1)", Map.of()))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .contentType(ContentType.JSON)
                .body("stdout", equalTo("1\n"));
    }

    @Test
    void theResultEventIsTheDocumentTheJsonCallAnswers() throws Exception {
        String key = "same-document-" + UUID.randomUUID();
        Map<String, Object> body = SandboxApi.body("python", "print('\u00e9t\u00e9')", Map.of());
        assertEquals(201, postJson(key, body).statusCode());
        // Both replays answer the stored run: the stream's result event must carry the document the
        // JSON call answers, field for field (ids, timestamps, usage, limits, screening, output).
        Response replayed = postJson(key, body);
        assertEquals(200, replayed.statusCode());
        try (SseClient stream = open(key, body)) {
            List<SseClient.Event> events = stream.rest(Duration.ofSeconds(30));
            assertEquals(
                    List.of("result"),
                    events.stream().map(SseClient.Event::name).toList());
            assertEquals(
                    JSON.readTree(replayed.asString()),
                    JSON.readTree(events.get(0).data()));
        }
    }

    private static Response postJson(String key, Map<String, Object> body) {
        return given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(body)
                .when()
                .post("/api/v1/executions");
    }

    private SseClient open(String key, Map<String, Object> body) throws Exception {
        Map<String, String> headers = new java.util.HashMap<>(Map.of(
                "Authorization", "Bearer " + SandboxApi.RUNNER,
                "Content-Type", "application/json",
                "Accept", "text/event-stream"));
        if (key != null) {
            headers.put("Idempotency-Key", key);
        }
        return SseClient.open("POST", executions.toString(), headers, JSON.writeValueAsString(body));
    }

    private static String statusOf(String key) throws Exception {
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select status from sandbox.executions where idempotency_key = ?")) {
            query.setString(1, key);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
