package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import ai.prometheus.shared.testing.ServerTimings;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Synchronous invocations, run for real in the sandbox service over REST. */
@QuarkusTest
class SyncInvocationTest {

    private static String tool(String owner, String prefix, String code, Map<String, Object> limits) {
        return RegistryFixtures.registerPython(owner, prefix, RegistryFixtures.WEATHER_SCHEMA, code, limits);
    }

    private static Response invoke(String token, String tool, Map<String, Object> body) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/tools/" + tool + "/invocations");
    }

    @Test
    void runsTheToolAndAnswersItsJsonResultWithUsage() {
        String tool = tool("sam", "echo", RegistryFixtures.ECHO_PYTHON, Map.of());
        UUID context = UUID.randomUUID();
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            Response response = invoke(
                    developer("caller-1"),
                    tool,
                    Map.of("arguments", Map.of("city", "Oslo", "days", 3), "memoryContextId", context.toString()));
            response.then()
                    .statusCode(200)
                    .header("Location", containsString("/api/v1/invocations/"))
                    .body("status", equalTo("COMPLETED"))
                    .body("sandboxStatus", equalTo("OK"))
                    .body("result.city", equalTo("Oslo"))
                    .body("result.days", equalTo(3))
                    .body("result.forecast", equalTo("sunny"))
                    .body("usage.wallMs", greaterThan(0))
                    .body("toolVersion", equalTo(1))
                    .body("caller", equalTo("caller-1"));
            String id = response.path("id");

            given().auth()
                    .oauth2(developer("caller-1"))
                    .when()
                    .get("/api/v1/invocations/" + id)
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("COMPLETED"))
                    .body("result.city", equalTo("Oslo"));
            given().auth()
                    .oauth2(developer("someone-else"))
                    .when()
                    .get("/api/v1/invocations/" + id)
                    .then()
                    .statusCode(404);
            given().auth()
                    .oauth2(developer("sam"))
                    .when()
                    .get("/api/v1/invocations/" + id)
                    .then()
                    .statusCode(200);

            CloudEvent event = results.await(
                    e -> EventTypes.TOOL_INVOCATION_COMPLETED.equals(e.type())
                            && id.equals(results.codec()
                                    .data(e, ToolInvocationCompleted.class)
                                    .invocationId()
                                    .toString()),
                    Duration.ofSeconds(20));
            ToolInvocationCompleted completed = results.codec().data(event, ToolInvocationCompleted.class);
            assertEquals(context, completed.memoryContextId());
            assertEquals("Oslo", completed.result().get("city").asText());
            assertTrue(completed.argumentsSummary().contains("Oslo"));
        }
        given().auth()
                .oauth2(TestTokens.withScope("auditor", "audit:read"))
                .queryParam("tool", tool)
                .queryParam("action", "tool.invoke")
                .when()
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .body("items[0].decision", equalTo("ALLOW"))
                .body("items[0].actor", equalTo("caller-1"));
    }

    /**
     * The answer names where the registry's time went in a W3C Server-Timing header: admission, the
     * wait for the sandbox with the run the sandbox reports inside it, the record's write, the whole.
     */
    @Test
    void theAnswerTimesTheRegistrysStagesInServerTiming() {
        String tool = tool("sam", "timed", RegistryFixtures.ECHO_PYTHON, Map.of());
        Response response = invoke(developer("caller-1"), tool, Map.of("arguments", Map.of("city", "Oslo")));
        response.then().statusCode(200).body("status", equalTo("COMPLETED"));
        String header = response.header("Server-Timing");
        Map<String, Double> stages = ServerTimings.parse(header);
        assertEquals(List.of("admission", "sandbox", "run", "record", "total"), List.copyOf(stages.keySet()), header);
        stages.values().forEach(dur -> assertTrue(dur >= 0, header));
        stages.values().forEach(dur -> assertTrue(stages.get("total") >= dur, header));
        assertTrue(stages.get("sandbox") >= stages.get("run"), header);
        assertEquals(((Number) response.path("usage.wallMs")).doubleValue(), stages.get("run"), header);
    }

    @Test
    void textOutputIsReturnedAsText() {
        String tool = tool("sam", "text", "print('plain words, not JSON')", Map.of());
        invoke(developer("caller-1"), tool, Map.of("arguments", Map.of("city", "x")))
                .then()
                .statusCode(200)
                .body("result", equalTo("plain words, not JSON\n"));
    }

    @Test
    void aFailingToolIsAFailedInvocationReportedToTheGuardian() {
        String tool =
                tool("sam", "fail", "import sys\nprint('city not found', file=sys.stderr)\nsys.exit(3)", Map.of());
        try (KafkaProbe errors = KafkaProbe.on(Topics.ERRORS)) {
            Response response = invoke(developer("caller-1"), tool, Map.of("arguments", Map.of("city", "Atlantis")));
            response.then()
                    .statusCode(200)
                    .body("status", equalTo("FAILED"))
                    .body("sandboxStatus", equalTo("RUNTIME_ERROR"))
                    .body("exitCode", equalTo(3))
                    .body("error", containsString("city not found"));
            String id = response.path("id");
            CloudEvent event = errors.await(
                    e -> EventTypes.ERROR_REPORTED.equals(e.type())
                            && id.equals(errors.codec()
                                    .data(e, ErrorReported.class)
                                    .attributes()
                                    .get("invocationId")),
                    Duration.ofSeconds(20));
            ErrorReported error = errors.codec().data(event, ErrorReported.class);
            assertEquals("tool-registry-service", error.service());
            assertEquals("tool.invocation.runtime_error", error.errorType());
            assertEquals(tool, error.attributes().get("tool"));
            assertTrue(error.errorMessage().contains("city not found"));
        }
    }

    @Test
    void theToolsWallLimitHolds() {
        String tool = tool("sam", "spin", "import time\nwhile True: time.sleep(0.01)", Map.of("wallMs", 1000));
        invoke(developer("caller-1"), tool, Map.of("arguments", Map.of("city", "x")))
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("sandboxStatus", equalTo("TIMEOUT_WALL"));
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheFirstInvocation() throws Exception {
        String tool = tool("sam", "idem", RegistryFixtures.ECHO_PYTHON, Map.of());
        String key = "retry-" + UUID.randomUUID();
        String first = given().auth()
                .oauth2(developer("caller-1"))
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("city", "Rome")))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(200)
                .extract()
                .path("id");
        String second = given().auth()
                .oauth2(developer("caller-1"))
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("city", "Rome")))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(200)
                .body("result.city", equalTo("Rome"))
                .extract()
                .path("id");
        assertEquals(first, second);
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select count(*) from tool_registry.invocations where idempotency_key = ?")) {
            query.setString(1, key);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
        // The same key from another caller is another invocation.
        String other = given().auth()
                .oauth2(developer("caller-2"))
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("city", "Rome")))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(200)
                .extract()
                .path("id");
        assertTrue(!other.equals(first));
    }

    @Test
    void aRepeatWhileTheFirstAttemptStillRunsIsA409WithRetryAfterThenTheResult() throws Exception {
        String tool = tool(
                "sam",
                "slow",
                "import time, json, sys\nargs = json.load(sys.stdin)\ntime.sleep(4)\n"
                        + "print(json.dumps({'city': args['city']}))",
                Map.of());
        String key = "slow-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("arguments", Map.of("city", "Lima"));
        java.util.concurrent.CompletableFuture<Response> first =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> given().auth()
                        .oauth2(developer("caller-3"))
                        .header("Idempotency-Key", key)
                        .contentType(ContentType.JSON)
                        .body(body)
                        .when()
                        .post("/api/v1/tools/" + tool + "/invocations"));
        // Wait until the sandbox holds the first run, then repeat the same call.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (Connection db = Engines.jdbc();
                    PreparedStatement query = db.prepareStatement(
                            "select count(*) from sandbox.executions where idempotency_key = ? and status = 'RUNNING'")) {
                // The registry hands the sandbox the invocation id, derived from caller and key, as its key.
                query.setString(1, RawInvocation.id("caller-3", key).toString());
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) > 0;
                }
            }
        });
        given().auth()
                .oauth2(developer("caller-3"))
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("urn:prometheus:problem:invocation-in-progress"))
                .body("detail", containsString("Idempotency-Key"));
        String firstId = first.get(30, java.util.concurrent.TimeUnit.SECONDS)
                .then()
                .statusCode(200)
                .body("result.city", equalTo("Lima"))
                .extract()
                .path("id");
        given().auth()
                .oauth2(developer("caller-3"))
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(200)
                .body("id", equalTo(firstId))
                .body("result.city", equalTo("Lima"));
    }

    @Test
    void usageReflectsRealInvocations() {
        String tool = tool("sam", "counted", RegistryFixtures.ECHO_PYTHON, Map.of());
        for (int i = 0; i < 3; i++) {
            invoke(developer("caller-9"), tool, Map.of("arguments", Map.of("city", "c" + i)))
                    .then()
                    .statusCode(200);
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(developer("sam"))
                        .when()
                        .get("/api/v1/tools/" + tool + "/usage")
                        .then()
                        .statusCode(200)
                        .body("total.calls", equalTo(3))
                        .body("total.successes", equalTo(3))
                        .body("total.p50LatencyMs", greaterThan(0))
                        .body("callers[0].caller", equalTo("caller-9")));
    }

    /**
     * The run's CPU is charged to the caller's and the tool's daily counters in the invocation's own
     * transaction; and the version an invocation ran is kept in memory, so an update must still be
     * run at once.
     */
    @Test
    void theRunsCpuIsChargedWithItsInvocationAndAnUpdatedToolRunsItsNewCodeAtOnce() throws Exception {
        String busy = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.03:\n    pass\n";
        String tool = tool("sam", "charged", busy + "print('{\"v\": 1}')", Map.of());
        Response first = invoke(developer("payer-1"), tool, Map.of("arguments", Map.of("city", "x")));
        first.then().statusCode(200).body("result.v", equalTo(1)).body("toolVersion", equalTo(1));
        long cpuFirst = ((Number) first.path("usage.cpuMs")).longValue();
        assertTrue(cpuFirst > 0, "the run used CPU: " + cpuFirst);
        assertEquals(Map.of("caller:payer-1", cpuFirst, "*", cpuFirst), cpuCharged(tool));

        given().auth()
                .oauth2(developer("sam"))
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "description",
                        "test tool, second version",
                        "functionSignature",
                        RegistryFixtures.WEATHER_SCHEMA,
                        "implementation",
                        Map.of("language", "python", "code", busy + "print('{\"v\": 2}')")))
                .when()
                .put("/api/v1/tools/" + tool)
                .then()
                .statusCode(200)
                .body("currentVersion", equalTo(2));
        Response second = invoke(developer("payer-1"), tool, Map.of("arguments", Map.of("city", "x")));
        second.then().statusCode(200).body("result.v", equalTo(2)).body("toolVersion", equalTo(2));
        long cpuSecond = ((Number) second.path("usage.cpuMs")).longValue();
        assertEquals(Map.of("caller:payer-1", cpuFirst + cpuSecond, "*", cpuFirst + cpuSecond), cpuCharged(tool));
    }

    /** The CPU milliseconds charged today to each subject's counter of {@code tool}. */
    private static Map<String, Long> cpuCharged(String tool) throws Exception {
        Map<String, Long> charged = new java.util.HashMap<>();
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select c.subject, c.used from tool_registry.quota_counters c"
                                + " join tool_registry.tool_registry t on t.id = c.tool_id where t.name = ? and c.counter = 'cpu_ms/days'")) {
            query.setString(1, tool);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    charged.merge(rs.getString(1), rs.getLong(2), Long::sum);
                }
            }
        }
        return charged;
    }
}
