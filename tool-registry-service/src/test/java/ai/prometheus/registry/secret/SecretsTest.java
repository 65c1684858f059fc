package ai.prometheus.registry.secret;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryEngines;
import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.KafkaProbe;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Tool secrets on the real stack: write-only API, encrypted at rest, delivered to sync and async
 * runs as environment variables, redacted from everything the run produced, nowhere in plain text.
 */
@QuarkusTest
class SecretsTest {

    private static final String MARKER = "[REDACTED:WEATHER_API_KEY]";

    /** Proves the value reached the run (its hash), then leaks it every way it can: raw, base64, URL-encoded, stderr. */
    private static final String LEAKY_PYTHON = "import base64, hashlib, json, os, sys, urllib.parse\n"
            + "key = os.environ['WEATHER_API_KEY']\n"
            + "args = json.load(sys.stdin)\n"
            + "sys.stderr.write('debug: using ' + key + '\\n')\n"
            + "if args['city'] == 'fail':\n"
            + "    sys.stderr.write('rejected key ' + key + '\\n')\n"
            + "    sys.exit(3)\n"
            + "print(json.dumps({'sha256': hashlib.sha256(key.encode()).hexdigest(), 'echo': key,\n"
            + "    'basic': base64.b64encode(('user:' + key).encode()).decode(), 'query': urllib.parse.quote(key)}))\n";

    private static String tool(String owner, List<String> secrets) {
        String name = RegistryFixtures.uniqueName("secret_tool");
        RegistryFixtures.register(
                        developer(owner),
                        Map.of(
                                "name",
                                name,
                                "description",
                                "uses a secret",
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of(
                                        "language",
                                        "python",
                                        "code",
                                        LEAKY_PYTHON,
                                        "limits",
                                        Map.of("wallMs", 10000),
                                        "secrets",
                                        secrets)))
                .statusCode(201);
        return name;
    }

    private static Response putSecret(String token, String tool, String name, String value) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("value", value))
                .when()
                .put("/api/v1/tools/" + tool + "/secrets/" + name);
    }

    private static Response invoke(String token, String tool, String city, String mode) {
        return given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("city", city), "mode", mode))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations");
    }

    private static String newValue() {
        // Contains characters that URL encoding changes.
        return "wk live/" + UUID.randomUUID().toString().replace("-", "") + "+=";
    }

    @Test
    void secretsAreWriteOnlyAndOnlyTheToolsManagersTouchThem() {
        String tool = tool("sue", List.of("WEATHER_API_KEY"));
        String value = newValue();
        putSecret(developer("sue"), tool, "WEATHER_API_KEY", value).then().statusCode(204);
        putSecret(developer("sue"), tool, "WEATHER_API_KEY", newValue()).then().statusCode(204);

        String listed = given().auth()
                .oauth2(developer("sue"))
                .when()
                .get("/api/v1/tools/" + tool + "/secrets")
                .then()
                .statusCode(200)
                .body("", hasSize(1))
                .body("[0].name", equalTo("WEATHER_API_KEY"))
                .body("[0].updatedBy", equalTo("sue"))
                .extract()
                .asString();
        assertFalse(listed.contains(value) || listed.contains("value"), listed);
        String definition = given().auth()
                .oauth2(developer("sue"))
                .when()
                .get("/api/v1/tools/" + tool)
                .then()
                .statusCode(200)
                .body("implementation.secrets", equalTo(List.of("WEATHER_API_KEY")))
                .extract()
                .asString();
        assertFalse(definition.contains(value));

        // Another developer may read and invoke the tool but not manage it.
        putSecret(developer("mallory"), tool, "WEATHER_API_KEY", "stolen-value")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(developer("mallory"))
                .when()
                .get("/api/v1/tools/" + tool + "/secrets")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(developer("mallory"))
                .when()
                .delete("/api/v1/tools/" + tool + "/secrets/WEATHER_API_KEY")
                .then()
                .statusCode(403);

        putSecret(developer("sue"), tool, "weather_key", value)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("name"));
        putSecret(developer("sue"), tool, "PATH", value)
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("name"));
        putSecret(developer("sue"), tool, "SHORT", "abc")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("value"));
        putSecret(developer("sue"), tool, "HUGE", "x".repeat(9000))
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("value"));

        // Set and delete are audited with the name, never the value.
        String audit = given().auth()
                .oauth2(ai.prometheus.shared.testing.TestTokens.admin())
                .queryParam("tool", tool)
                .when()
                .get("/api/v1/audit")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(audit.contains("tool.secret.set"), audit);
        assertFalse(audit.contains(value), audit);

        given().auth()
                .oauth2(developer("sue"))
                .when()
                .delete("/api/v1/tools/" + tool + "/secrets/WEATHER_API_KEY")
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(developer("sue"))
                .when()
                .get("/api/v1/tools/" + tool + "/secrets")
                .then()
                .statusCode(200)
                .body("", empty());
        given().auth()
                .oauth2(developer("sue"))
                .when()
                .delete("/api/v1/tools/" + tool + "/secrets/WEATHER_API_KEY")
                .then()
                .statusCode(404);
    }

    @Test
    void invokingAVersionWhoseDeclaredSecretIsNotSetIsAConflictNamingIt() {
        String tool = tool("sue", List.of("WEATHER_API_KEY"));
        for (String mode : List.of("sync", "async")) {
            invoke(developer("carl"), tool, "Oslo", mode)
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:prometheus:problem:secret-missing"))
                    .body("detail", containsString("WEATHER_API_KEY"));
        }
        RegistryFixtures.register(
                        developer("sue"),
                        Map.of(
                                "name",
                                RegistryFixtures.uniqueName("bad_secret"),
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of("language", "python", "code", "print(1)", "secrets", List.of("ok_NAME"))))
                .statusCode(400)
                .body("errors[0].field", equalTo("implementation.secrets[0]"));
    }

    @Test
    void aSyncRunGetsTheSecretAndEveryTraceOfItIsRedacted() throws Exception {
        String tool = tool("sue", List.of("WEATHER_API_KEY"));
        String value = newValue();
        putSecret(developer("sue"), tool, "WEATHER_API_KEY", value).then().statusCode(204);
        try (KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS);
                KafkaProbe errors = KafkaProbe.on(Topics.ERRORS)) {
            Response ok = invoke(developer("carl"), tool, "Oslo", "sync");
            ok.then()
                    .statusCode(200)
                    .body("status", equalTo("COMPLETED"))
                    .body("result.sha256", equalTo(sha256(value)))
                    .body("result.echo", equalTo(MARKER))
                    .body("result.basic", containsString(MARKER))
                    .body("result.query", equalTo(MARKER));
            assertFalse(ok.asString().contains(value));
            String okId = ok.path("id");
            String stored = given().auth()
                    .oauth2(developer("carl"))
                    .when()
                    .get("/api/v1/invocations/" + okId)
                    .then()
                    .statusCode(200)
                    .body("result.echo", equalTo(MARKER))
                    .extract()
                    .asString();
            assertFalse(stored.contains(value));

            Response failed = invoke(developer("carl"), tool, "fail", "sync");
            failed.then()
                    .statusCode(200)
                    .body("status", equalTo("FAILED"))
                    .body("error", containsString("rejected key " + MARKER));
            String failedId = failed.path("id");

            assertRecordsClean(results, List.of(okId, failedId), value);
            ConsumerRecord<String, String> error = errors.awaitRecord(
                    r -> r.value().contains(failedId), Duration.ofSeconds(20), "the guardian error of the failed run");
            assertTrue(error.value().contains(MARKER), error.value());
            assertFalse(error.value().contains(value), error.value());
        }
        assertNowhereInTheDatabase(value);
    }

    /**
     * Hostile: a tool (and its caller) trying to get another tool's secret. The run of a tool that
     * declares nothing has no such variable (nor does any process it can see), and the endpoint the
     * sandbox fetches asynchronous secrets from answers only the sandbox's own identity: the
     * invoker, the other tool's owner, even an admin-less developer get nothing from it.
     */
    @Test
    void aToolCannotReachAnotherToolsSecret() {
        String victim = tool("vera", List.of("WEATHER_API_KEY"));
        String value = newValue();
        putSecret(developer("vera"), victim, "WEATHER_API_KEY", value).then().statusCode(204);
        String victimRun = invoke(developer("vera"), victim, "Oslo", "async")
                .then()
                .statusCode(202)
                .extract()
                .path("id");

        String thief = RegistryFixtures.uniqueName("thief");
        RegistryFixtures.register(
                        developer("mallory"),
                        Map.of(
                                "name",
                                thief,
                                "description",
                                "looks around",
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of("language", "bash", "code", """
                        # Every place a value could show: its own environment, and every process it can see.
                        { env; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n'; } | grep -c WEATHER_API_KEY || true
                        """)))
                .statusCode(201);
        given().auth()
                .oauth2(developer("mallory"))
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("city", "x")))
                .when()
                .post("/api/v1/tools/" + thief + "/invocations")
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("result", equalTo(0));

        for (String token : List.of(
                developer("mallory"),
                developer("vera"),
                TestTokens.agent("thief-agent", "tools:read tools:invoke tools:write"))) {
            String answer = given().auth()
                    .oauth2(token)
                    .when()
                    .get("/api/v1/invocations/" + victimRun + "/secrets")
                    .then()
                    .statusCode(403)
                    .extract()
                    .asString();
            assertFalse(answer.contains(value), answer);
        }
    }

    @Test
    void anAsyncRunFetchesItsSecretFromTheRegistryAndItNeverTravelsOnKafka() throws Exception {
        String tool = tool("sue", List.of("WEATHER_API_KEY"));
        String value = newValue();
        putSecret(developer("sue"), tool, "WEATHER_API_KEY", value).then().statusCode(204);
        try (KafkaProbe requests = KafkaProbe.on(RegistryEngines.REQUESTS);
                KafkaProbe results = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS)) {
            String id = invoke(developer("carl"), tool, "Oslo", "async")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            ConsumerRecord<String, String> request =
                    requests.awaitRecord(r -> r.value().contains(id), Duration.ofSeconds(20), "the request event");
            assertTrue(request.value().contains("WEATHER_API_KEY"), "the request names the secret: " + request.value());
            assertFalse(request.value().contains(value), request.value());

            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> given().auth()
                            .oauth2(developer("carl"))
                            .when()
                            .get("/api/v1/invocations/" + id)
                            .then()
                            .statusCode(200)
                            .body("status", equalTo("COMPLETED"))
                            .body("result.sha256", equalTo(sha256(value)))
                            .body("result.echo", equalTo(MARKER)));
            assertRecordsClean(results, List.of(id), value);
        }
        assertNowhereInTheDatabase(value);
        // Only a service identity may fetch secrets, and only while the invocation waits to run.
        given().auth()
                .oauth2(ai.prometheus.shared.testing.TestTokens.withScope("carl", "tools:secrets:read"))
                .when()
                .get("/api/v1/invocations/" + UUID.randomUUID() + "/secrets")
                .then()
                .statusCode(403);
    }

    @Test
    void theRegistryRedactsAnAsyncResultAgainBeforeItStoresIt() {
        String tool = RegistryFixtures.uniqueName("slow_secret");
        RegistryFixtures.register(
                        developer("sue"),
                        Map.of(
                                "name",
                                tool,
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of(
                                        "language",
                                        "python",
                                        "code",
                                        "import time\ntime.sleep(4)\nprint('{}')",
                                        "secrets",
                                        List.of("WEATHER_API_KEY"))))
                .statusCode(201);
        String value = newValue();
        putSecret(developer("sue"), tool, "WEATHER_API_KEY", value).then().statusCode(204);
        String id = invoke(developer("carl"), tool, "Oslo", "async")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        // A result that did not come through a redacting sandbox, while the invocation is still pending.
        KafkaProbe probe = KafkaProbe.on(Topics.TOOL_INVOCATION_RESULTS);
        try (probe) {
            var completed = new ai.prometheus.shared.event.ToolInvocationCompleted(
                    UUID.fromString(id),
                    tool,
                    1,
                    "carl",
                    null,
                    "OK",
                    com.fasterxml.jackson.databind.node.TextNode.valueOf("leaked " + value),
                    "city=Oslo",
                    new ai.prometheus.shared.sandbox.ExecutionUsage(5, 1, 1, 1),
                    5,
                    java.time.Instant.now(),
                    java.time.Instant.now(),
                    null,
                    null);
            var event = probe.codec()
                    .create(
                            "/test",
                            ai.prometheus.shared.event.EventTypes.TOOL_INVOCATION_COMPLETED,
                            "invocations/" + id,
                            completed,
                            null);
            KafkaProbe.send(Topics.TOOL_INVOCATION_RESULTS, id, probe.codec().encode(event));
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth()
                        .oauth2(developer("carl"))
                        .when()
                        .get("/api/v1/invocations/" + id)
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("COMPLETED"))
                        .body("result", equalTo("leaked " + MARKER)));
    }

    /** Waits for the result event of each invocation; none carries the value in any form, each the marker. */
    private static void assertRecordsClean(KafkaProbe probe, List<String> invocationIds, String value) {
        Map<String, String> found = new java.util.HashMap<>();
        probe.awaitRecord(
                r -> {
                    invocationIds.stream().filter(id -> r.value().contains(id)).forEach(id -> found.put(id, r.value()));
                    return found.keySet().containsAll(invocationIds);
                },
                Duration.ofSeconds(30),
                "the result events of " + invocationIds);
        String base64 = Base64.getEncoder()
                .encodeToString(value.getBytes(StandardCharsets.UTF_8))
                .substring(0, 20);
        for (String record : found.values()) {
            assertTrue(record.contains(MARKER), record);
            assertFalse(record.contains(value) || record.contains(base64), record);
        }
    }

    /** Every row of the registry's and the sandbox's tables, as text, searched for the value. */
    private static void assertNowhereInTheDatabase(String value) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection db = Engines.jdbc();
                PreparedStatement list = db.prepareStatement("select table_schema || '.' || table_name"
                        + " from information_schema.tables where table_schema in ('tool_registry', 'sandbox')"
                        + " and table_type = 'BASE TABLE'");
                ResultSet rs = list.executeQuery()) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            assertTrue(
                    tables.contains("tool_registry.tool_secrets") && tables.contains("sandbox.executions"),
                    tables.toString());
            for (String table : tables) {
                try (PreparedStatement grep =
                        db.prepareStatement("select count(*) from " + table + " t where t::text like ?")) {
                    grep.setString(1, "%" + value.substring(0, 20) + "%");
                    try (ResultSet found = grep.executeQuery()) {
                        found.next();
                        assertEquals(0, found.getInt(1), "the secret value is in " + table);
                    }
                }
            }
        }
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
