package ai.prometheus.sandbox.execution;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import ai.prometheus.shared.platform.security.ServiceIdentity;
import ai.prometheus.shared.testing.Engines;
import ai.prometheus.shared.testing.ServerTimings;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ExecutionApiTest {

    @Inject
    SandboxRuntime runtime;

    @Inject
    SandboxConfig config;

    @Test
    void pythonRunAnswersOkWithStdoutUsageAndIsStored() throws Exception {
        Response response = given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of("language", "python", "code", "print(sum(range(10)))"))
                .when()
                .post("/api/v1/executions");
        response.then()
                .statusCode(201)
                .header("Location", containsString("/api/v1/executions/"))
                .body("status", equalTo("OK"))
                .body("exitCode", equalTo(0))
                .body("stdout", equalTo("45\n"))
                .body("stderr", equalTo(""))
                .body("usage.outputBytes", equalTo(3))
                .body("usage.peakMemoryBytes", greaterThan(0))
                .body("usage.wallMs", notNullValue())
                .body("usage.cpuMs", notNullValue())
                .body("limits.memoryMb", equalTo(256))
                .body("limits.wallMs", equalTo(10000))
                .body("screening.verdict", equalTo("ALLOW"))
                .body("principal", equalTo("corpus-runner"));
        String id = response.path("id");
        assertTrue(response.header("Location").endsWith(id));
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select status, stdout, principal, code, language from sandbox.executions where id = ?")) {
            query.setObject(1, UUID.fromString(id));
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("OK", rs.getString(1));
                assertEquals("45\n", rs.getString(2));
                assertEquals("corpus-runner", rs.getString(3));
                assertEquals("print(sum(range(10)))", rs.getString(4));
                assertEquals("python", rs.getString(5));
            }
        }
    }

    @Test
    void nodeAndBashReadStdinAndExitCodesAreReported() {
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "language",
                        "node",
                        "stdin",
                        "{\"x\": 2}",
                        "code",
                        "let d='';process.stdin.on('data',c=>d+=c).on('end',()=>console.log(JSON.parse(d).x*21))"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("42\n"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "language", "bash", "stdin", "hello", "code", "read -r word; echo \"got $word\" >&2; exit 3"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("exitCode", equalTo(3))
                .body("signal", nullValue())
                .body("stderr", equalTo("got hello\n"))
                .body("message", containsString("code 3"));
        // As from `python3 -c`: every frame of the submitted code, none of the bootstrap's.
        SandboxApi.run("python", "def check(value):\n    raise ValueError('bad input')\ncheck(1)\n")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("exitCode", equalTo(1))
                .body("stderr", equalTo("""
                        Traceback (most recent call last):
                          File "<string>", line 3, in <module>
                          File "<string>", line 2, in check
                        ValueError: bad input
                        """));
    }

    @Test
    void aProgramThatSignalsItselfEndsWithThatSignal() {
        // The interpreter is not the namespace's pid 1, which would ignore signals it sends itself.
        SandboxApi.run("python", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\nprint('ignored')")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("exitCode", nullValue())
                .body("signal", equalTo(11))
                .body("stdout", equalTo(""))
                .body("message", containsString("SIGSEGV"));
        SandboxApi.run("bash", "kill -TERM $$; echo ignored")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("signal", equalTo(15))
                .body("stdout", equalTo(""));
        SandboxApi.run("node", "process.kill(process.pid, 'SIGKILL'); console.log('ignored')")
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("signal", equalTo(9));
    }

    @Test
    void theSandboxUserHasANameAndAHome() {
        SandboxApi.run("bash", "whoami; id -un; id -gn; stat -c %U /usr")
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("sandbox\nsandbox\nsandbox\nnobody\n"));
        SandboxApi.run(
                        "python",
                        "import os, pwd\nentry = pwd.getpwuid(os.getuid())\nprint(entry.pw_name, entry.pw_dir)")
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("sandbox /workspace\n"));
    }

    @Test
    void scriptsReopenTheirStandardStreamsByName() {
        SandboxApi.assertARunReopensItsStandardStreams();
    }

    @Test
    void withoutTheScopeTheAnswerIs403AndWithoutATokenIs401() {
        given().auth()
                .oauth2(TestTokens.withScope("reader", "sandbox:read"))
                .contentType(ContentType.JSON)
                .body(Map.of("language", "python", "code", "print(1)"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("sandbox:execute"));
        given().contentType(ContentType.JSON)
                .body(Map.of("language", "python", "code", "print(1)"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(TestTokens.withScope("runner", "sandbox:execute"))
                .when()
                .get("/api/v1/executions")
                .then()
                .statusCode(403)
                .body("detail", containsString("sandbox:read"));
    }

    @Test
    void aCallerSeesOnlyItsOwnExecutionsAndAnotherCallersIdIs404() {
        String alice = TestTokens.withScope("alice-" + UUID.randomUUID(), "sandbox:execute sandbox:read");
        String bob = TestTokens.withScope("bob-" + UUID.randomUUID(), "sandbox:execute sandbox:read");
        String secret = given().auth()
                .oauth2(alice)
                .contentType(ContentType.JSON)
                .body(Map.of("language", "bash", "code", "echo alice-secret"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .body("stdout", equalTo("alice-secret\n"))
                .extract()
                .path("id");
        String own = given().auth()
                .oauth2(bob)
                .contentType(ContentType.JSON)
                .body(Map.of("language", "bash", "code", "echo bob"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .extract()
                .path("id");

        // Bob's history holds his run only, even when he asks for Alice's by name.
        given().auth()
                .oauth2(bob)
                .queryParam("size", 200)
                .when()
                .get("/api/v1/executions")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(own))
                .body("items.id", not(hasItem(secret)))
                .body("items.principal", everyItem(startsWith("bob-")));
        given().auth()
                .oauth2(bob)
                .queryParam("principal", "alice")
                .queryParam("size", 200)
                .when()
                .get("/api/v1/executions")
                .then()
                .statusCode(200)
                .body("items.id", not(hasItem(secret)));
        // Someone else's id answers exactly like an id that does not exist.
        given().auth()
                .oauth2(bob)
                .when()
                .get("/api/v1/executions/" + secret)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", not(containsString("alice")));
        given().auth()
                .oauth2(alice)
                .when()
                .get("/api/v1/executions/" + secret)
                .then()
                .statusCode(200)
                .body("stdout", equalTo("alice-secret\n"));

        // sandbox:admin (or admin) reads everyone's.
        for (String reader :
                new String[] {TestTokens.withScope("auditor", "sandbox:read sandbox:admin"), TestTokens.admin()}) {
            given().auth()
                    .oauth2(reader)
                    .queryParam("size", 200)
                    .when()
                    .get("/api/v1/executions")
                    .then()
                    .statusCode(200)
                    .body("items.id", hasItem(secret))
                    .body("items.id", hasItem(own));
            given().auth()
                    .oauth2(reader)
                    .when()
                    .get("/api/v1/executions/" + secret)
                    .then()
                    .statusCode(200)
                    .body("code", equalTo("echo alice-secret"));
        }
    }

    @Test
    void limitsAboveTheMaximumAndBadFieldsAre400NamingTheField() {
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(SandboxApi.body("python", "print(1)", Map.of("memoryMb", 999_999)))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("limits.memoryMb"))
                .body("errors[0].reason", containsString("at most 2048"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(SandboxApi.body("cobol", "", Map.of("wallMs", 0, "cpuMs", -5)))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("language"))
                .body("errors.field", hasItem("code"))
                .body("errors.field", hasItem("limits.wallMs"))
                .body("errors.field", hasItem("limits.cpuMs"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body("{\"language\": \"python\", \"code\": \"print(1)\", \"limits\": {\"memoryMb\": \"lots\"}}")
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("limits.memoryMb"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of("language", "python", "code", "print(1)", "stdin", "x".repeat(1_048_577)))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("stdin"));
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheFirstResultWithoutRunningAgain() throws Exception {
        String key = "key-" + UUID.randomUUID();
        // The program prints a fresh random number: a second run would print another one.
        Map<String, Object> body = SandboxApi.body("python", "import uuid; print(uuid.uuid4())", Map.of());
        Response first = given().auth()
                .oauth2(SandboxApi.RUNNER)
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/executions");
        first.then().statusCode(201).body("status", equalTo("OK"));
        Response second = given().auth()
                .oauth2(SandboxApi.RUNNER)
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/executions");
        second.then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("id", equalTo(first.path("id")))
                .body("stdout", equalTo(first.path("stdout")));
        try (Connection db = Engines.jdbc();
                PreparedStatement query =
                        db.prepareStatement("select count(*) from sandbox.executions where idempotency_key = ?")) {
            query.setString(1, key);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(SandboxApi.body("python", "print('something else')", Map.of()))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString(key));
    }

    /**
     * The answer names its stages in a W3C Server-Timing header: the request's way from the router
     * to the service, the service's work before the hand-off, with an Idempotency-Key its claim,
     * the wait for a run thread, the run's own time to the microsecond (the one usage.wallMs is cut
     * from, so within [wallMs, wallMs + 1)), the run thread's work around it, the hop back to the
     * event loop, the row's write, the answer built, and the whole; each non-negative, and together
     * no more than the whole (they follow one another, each cut to the microsecond). A replay ran
     * nothing and has none.
     */
    @Test
    void theAnswerTimesItsStagesInServerTimingWithTheRunsExactWall() {
        String key = "key-" + UUID.randomUUID();
        for (String idempotencyKey : new String[] {null, key}) {
            var request = given().auth().oauth2(SandboxApi.RUNNER).contentType(ContentType.JSON);
            if (idempotencyKey != null) {
                request.header("Idempotency-Key", idempotencyKey);
            }
            Response response = request.body(Map.of("language", "python", "code", "print(1)"))
                    .when()
                    .post("/api/v1/executions");
            response.then().statusCode(201).body("status", equalTo("OK"));
            Map<String, Double> stages = ServerTimings.parse(response.header("Server-Timing"));
            List<String> expected = idempotencyKey == null
                    ? List.of("request", "prepare", "queue", "run", "runner", "hop", "store", "answer", "total")
                    : List.of(
                            "request", "prepare", "claim", "queue", "run", "runner", "hop", "store", "answer", "total");
            String header = response.header("Server-Timing");
            assertEquals(expected, List.copyOf(stages.keySet()), header);
            long wallMs = ((Number) response.path("usage.wallMs")).longValue();
            double run = stages.get("run");
            assertTrue(run >= wallMs && run < wallMs + 1, "run;dur=" + run + " against wallMs " + wallMs);
            stages.values().forEach(dur -> assertTrue(dur >= 0, header));
            double named = stages.entrySet().stream()
                    .filter(stage -> !stage.getKey().equals("total"))
                    .mapToDouble(Map.Entry::getValue)
                    .sum();
            // Each dur is written with three decimals: the sum is compared at that precision.
            assertTrue(Math.round(named * 1000) <= Math.round(stages.get("total") * 1000), header);
        }
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(Map.of("language", "python", "code", "print(1)"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(200)
                .header("Server-Timing", nullValue());
    }

    /**
     * The first answer (made from the run) and its replay (made from the stored row) are the same
     * document, and the answer is sent only once its row is stored: a read right after finds it.
     */
    @Test
    void theFirstAnswerIsTheDocumentItsReplayAndTheStoredExecutionShow() {
        String key = "same-" + UUID.randomUUID();
        Map<String, Object> body =
                SandboxApi.body("python", "import sys; print('out'); print('err', file=sys.stderr)", Map.of());
        Response first = post(key, body);
        first.then().statusCode(201).contentType(ContentType.JSON).body("stdout", equalTo("out\n"));
        // Read back at once, as any client may once it has the answer.
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .when()
                .get(first.header("Location"))
                .then()
                .statusCode(200)
                .body("state", equalTo("FINISHED"))
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("out\n"))
                .body("stderr", equalTo("err\n"))
                .body("usage.wallMs", equalTo(first.path("usage.wallMs")))
                .body("usage.cpuMs", equalTo(first.path("usage.cpuMs")));
        Response replay = post(key, body);
        replay.then().statusCode(200).contentType(ContentType.JSON).header("Idempotent-Replayed", "true");
        Map<String, Object> answered = new java.util.HashMap<>(first.jsonPath().getMap(""));
        Map<String, Object> replayed = new java.util.HashMap<>(replay.jsonPath().getMap(""));
        // Times are stored to the microsecond; the first answer may carry more digits.
        for (String time : List.of("startedAt", "finishedAt")) {
            Duration apart = Duration.between(
                    java.time.Instant.parse((String) answered.remove(time)),
                    java.time.Instant.parse((String) replayed.remove(time)));
            assertTrue(apart.abs().toNanos() < 1_000, time + " differs by " + apart);
        }
        assertEquals(replayed, answered);
    }

    @Test
    void requestsRacingWithOneIdempotencyKeyRunTheCodeOnce() throws Exception {
        String key = "race-" + UUID.randomUUID();
        // Long enough that the second request arrives while the first still runs.
        Map<String, Object> body =
                SandboxApi.body("python", "import time, uuid; time.sleep(0.8); print(uuid.uuid4())", Map.of());
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Response>> answers =
                    callers.invokeAll(List.of(() -> post(key, body), () -> post(key, body)));
            List<Integer> statuses = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Response> answer : answers) {
                statuses.add(answer.get().statusCode());
            }
            // One ran (201); the other found the key claimed: still running (409) or, late, the replay (200).
            assertEquals(1, statuses.stream().filter(status -> status == 201).count(), statuses.toString());
            assertTrue(statuses.stream().allMatch(status -> status == 201 || status == 409 || status == 200));
        } finally {
            callers.shutdownNow();
        }
        try (Connection db = Engines.jdbc();
                PreparedStatement query = db.prepareStatement(
                        "select count(*), min(status) from sandbox.executions where idempotency_key = ?")) {
            query.setString(1, key);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1));
                assertEquals("OK", rs.getString(2));
            }
        }
    }

    private static Response post(String key, Map<String, Object> body) {
        return given().auth()
                .oauth2(SandboxApi.RUNNER)
                .header("Idempotency-Key", key)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/executions");
    }

    @Test
    void theOnBehalfOfHeaderIsTrustedFromServicesOnly() {
        String service = TestTokens.builder("tool-registry-service")
                .claim("principal_type", "service")
                .claim("scope", "sandbox:execute sandbox:read")
                .sign(TestTokens.key());
        String id = given().auth()
                .oauth2(service)
                .header(ServiceIdentity.ON_BEHALF_OF, "agent-7")
                .contentType(ContentType.JSON)
                .body(Map.of("language", "bash", "code", "echo hi"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .body("principal", equalTo("tool-registry-service"))
                .body("onBehalfOf", equalTo("agent-7"))
                .extract()
                .path("id");
        // Visible to the service that ran it and to the caller it ran for, to no one else.
        given().auth()
                .oauth2(service)
                .queryParam("principal", "agent-7")
                .queryParam("size", 200)
                .when()
                .get("/api/v1/executions")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(id));
        given().auth()
                .oauth2(TestTokens.withScope("agent-7", "sandbox:read"))
                .queryParam("size", 200)
                .when()
                .get("/api/v1/executions")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(id));
        given().auth()
                .oauth2(TestTokens.withScope("agent-7", "sandbox:read"))
                .when()
                .get("/api/v1/executions/" + id)
                .then()
                .statusCode(200)
                .body("code", equalTo("echo hi"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .queryParam("principal", "agent-7")
                .queryParam("size", 200)
                .when()
                .get("/api/v1/executions")
                .then()
                .statusCode(200)
                .body("items.id", not(hasItem(id)));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .header(ServiceIdentity.ON_BEHALF_OF, "someone-else")
                .contentType(ContentType.JSON)
                .body(Map.of("language", "bash", "code", "echo hi"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .body("principal", equalTo("corpus-runner"))
                .body("onBehalfOf", nullValue());
    }

    @Test
    void historyListsAndFetchesWithFiltersAndCapsStoredOutput() {
        // 100 000 bytes of output: all of it in the answer, at most the stored maximum in the history.
        String id = SandboxApi.run("python", "print('y' * 100000, end='')", Map.of("outputBytes", 200_000))
                .body("status", equalTo("OK"))
                .body("stdoutTruncated", equalTo(false))
                .body("stdout.length()", equalTo(100_000))
                .extract()
                .path("id");
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/executions/" + id)
                .then()
                .statusCode(200)
                .body("state", equalTo("FINISHED"))
                .body("status", equalTo("OK"))
                .body("code", equalTo("print('y' * 100000, end='')"))
                .body("stdout.length()", lessThanOrEqualTo(65_536))
                .body("stdoutTruncated", equalTo(true))
                .body("usage.outputBytes", equalTo(100_000))
                .body("limits.outputBytes", equalTo(200_000))
                .body("source", equalTo("api"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .queryParam("principal", "corpus-runner")
                .queryParam("status", "ok")
                .queryParam("language", "python")
                .queryParam("since", "2020-01-01T00:00:00Z")
                .queryParam("size", 200)
                .when()
                .get("/api/v1/executions")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(id))
                .body("items.find { it.id == '" + id + "' }.stdout", nullValue())
                .body("items.find { it.id == '" + id + "' }.code", nullValue());
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .queryParam("status", "EXPLODED")
                .when()
                .get("/api/v1/executions")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("status"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/executions/not-a-uuid")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("id"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/executions/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aPreStartedSandboxServesOneRunAndIsReplacedWhileOtherProfilesStartCold() {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> runtime.warmSandboxes().getOrDefault("python", 0) >= 1);
        String warm = SandboxApi.run("python", "print('warm')")
                .body("stdout", equalTo("warm\n"))
                .extract()
                .path("id");
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/executions/" + warm)
                .then()
                .statusCode(200)
                .body("warm", equalTo(true));
        // Another workspace size is another start profile: no pre-started sandbox fits it.
        String cold = SandboxApi.run("python", "print('cold')", Map.of("diskMb", 7))
                .extract()
                .path("id");
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/executions/" + cold)
                .then()
                .statusCode(200)
                .body("warm", equalTo(false));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> runtime.warmSandboxes().getOrDefault("python", 0) >= 1);
    }

    @Test
    void aRunArrivingWhileTheReplacementStartsIsServedByItInsteadOfStartingCold() {
        int size = config.poolSize();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> runtime.warmSandboxes().getOrDefault("python", 0) == size);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ids.add(SandboxApi.run("python", "print('first')").extract().path("id"));
        }
        // At once: the pool is empty and the first runs' replacements are still starting.
        ids.add(SandboxApi.run("python", "print('second')")
                .body("stdout", equalTo("second\n"))
                .extract()
                .path("id"));
        for (String id : ids) {
            given().auth()
                    .oauth2(SandboxApi.RUNNER)
                    .when()
                    .get("/api/v1/executions/" + id)
                    .then()
                    .statusCode(200)
                    .body("warm", equalTo(true));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> runtime.warmSandboxes().getOrDefault("python", 0) >= 1);
    }

    @Test
    void sequentialRunsStayWarmAndEachHandedOffSandboxIsReplaced() {
        int size = config.poolSize();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> runtime.warmSandboxes().getOrDefault("python", 0) == size);
        // More runs back to back than the pool holds: each after the first few is served by a
        // replacement, started when an earlier run handed its sandbox off.
        for (int i = 0; i < 2 * size + 2; i++) {
            String id = SandboxApi.run("python", "print(" + i + ")")
                    .body("stdout", equalTo(i + "\n"))
                    .extract()
                    .path("id");
            given().auth()
                    .oauth2(SandboxApi.RUNNER)
                    .when()
                    .get("/api/v1/executions/" + id)
                    .then()
                    .statusCode(200)
                    .body("warm", equalTo(true));
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> runtime.warmSandboxes().getOrDefault("python", 0) == size);
    }

    @Test
    void readinessReportsIsolation() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'Sandbox isolation' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Sandbox isolation' }.data.mode", equalTo("bubblewrap"))
                .body("checks.find { it.name == 'Sandbox isolation' }.data.seccomp", equalTo(true))
                .body("checks.find { it.name == 'Sandbox isolation' }.data.languages", endsWith("bash"));
    }
}
