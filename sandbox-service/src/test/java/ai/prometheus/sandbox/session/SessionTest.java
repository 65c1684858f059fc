package ai.prometheus.sandbox.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SessionTest {

    @Inject
    SessionStorage storage;

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    private static String create(Map<String, Object> options) {
        return as(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(options)
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static io.restassured.response.ValidatableResponse run(String session, String language, String code) {
        return as(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of("language", language, "code", code))
                .when()
                .post("/api/v1/sessions/" + session + "/executions")
                .then()
                .statusCode(201);
    }

    /**
     * A session's run changes its workspace, so its Idempotency-Key's claim waits for the log flush
     * (ExecutionService.claimMustSurviveACrash); a repeated key is still answered with the first
     * run's result and does not run (append) again.
     */
    @Test
    void aRepeatedKeyInASessionAnswersTheFirstRunAndDoesNotRunAgain() {
        String session = create(Map.of());
        String key = "session-key-" + java.util.UUID.randomUUID();
        Map<String, Object> body = Map.of("language", "bash", "code", "echo x >> log.txt; wc -l < log.txt");
        String first = as(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(body)
                .when()
                .post("/api/v1/sessions/" + session + "/executions")
                .then()
                .statusCode(201)
                .body("stdout", equalTo("1\n"))
                .extract()
                .path("id");
        as(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body(body)
                .when()
                .post("/api/v1/sessions/" + session + "/executions")
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("id", equalTo(first))
                .body("stdout", equalTo("1\n"));
        as(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/sessions/" + session + "/files/log.txt")
                .then()
                .statusCode(200)
                .body(equalTo("x\n"));
    }

    private Path workspace(String session) {
        return storage.workspace(java.util.UUID.fromString(session));
    }

    @Test
    void runsShareTheWorkspaceAndFilesGoInAndOut() {
        String session = create(Map.of());
        as(SandboxApi.RUNNER)
                .body("3 4\n".getBytes(StandardCharsets.UTF_8))
                .contentType("application/octet-stream")
                .when()
                .put("/api/v1/sessions/" + session + "/files/data/input.txt")
                .then()
                .statusCode(200)
                .body("path", equalTo("data/input.txt"))
                .body("sizeBytes", equalTo(4));
        run(
                        session,
                        "python",
                        "a, b = map(int, open('data/input.txt').read().split())\nopen('out.txt', 'w').write(str(a * b))")
                .body("status", equalTo("OK"))
                .body("sessionId", equalTo(session));
        run(session, "bash", "cat out.txt; echo; ls -A")
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("12\ndata\nout.txt\n"));
        as(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/sessions/" + session + "/files/out.txt")
                .then()
                .statusCode(200)
                .body(equalTo("12"));
        as(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/sessions/" + session + "/files")
                .then()
                .statusCode(200)
                .body("path", hasItem("data/input.txt"))
                .body("path", hasItem("out.txt"));
        as(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/sessions/" + session)
                .then()
                .statusCode(200)
                .body("usedBytes", equalTo(6))
                .body("runs", equalTo(2));
        as(SandboxApi.RUNNER)
                .when()
                .delete("/api/v1/sessions/" + session + "/files/out.txt")
                .then()
                .statusCode(204);
        as(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/sessions/" + session + "/files/out.txt")
                .then()
                .statusCode(404);
        as(SandboxApi.RUNNER)
                .when()
                .delete("/api/v1/sessions/" + session)
                .then()
                .statusCode(204);
        as(SandboxApi.RUNNER).when().get("/api/v1/sessions/" + session).then().statusCode(404);
        assertFalse(Files.exists(workspace(session)));
    }

    @Test
    void theWorkspaceQuotaHoldsForUploadsAndRuns() {
        String session = create(Map.of("quotaMb", 1));
        as(SandboxApi.RUNNER)
                .body(new byte[2 * 1024 * 1024])
                .contentType("application/octet-stream")
                .when()
                .put("/api/v1/sessions/" + session + "/files/big.bin")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("quota"));
        // One file larger than the quota stops at the file-size limit.
        run(session, "python", "open('big', 'wb').write(b'x' * 4 * 1024 * 1024)")
                .body("status", equalTo("FILE_LIMIT"));
        as(SandboxApi.RUNNER)
                .when()
                .delete("/api/v1/sessions/" + session + "/files/big")
                .then()
                .statusCode(204);
        // Many small files together pass the quota: the run ends FILE_LIMIT and the workspace must shrink first.
        run(session, "python", "for i in range(30):\n    open(f'part{i}', 'wb').write(b'x' * 100_000)")
                .body("status", equalTo("FILE_LIMIT"))
                .body("message", containsString("quota"));
        as(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of("language", "bash", "code", "true"))
                .when()
                .post("/api/v1/sessions/" + session + "/executions")
                .then()
                .statusCode(409)
                .body("detail", containsString("delete files"));
        as(SandboxApi.RUNNER)
                .when()
                .delete("/api/v1/sessions/" + session)
                .then()
                .statusCode(204);
    }

    @Test
    void linksMadeInsideAreNeverFollowedOutside() throws Exception {
        String session = create(Map.of());
        run(session, "bash", "ln -s /etc/passwd leak; ln -s /etc etc; ln -s / root; echo made")
                .body("stdout", equalTo("made\n"));
        // On the host these links point at the host's own files; the API must refuse to follow them.
        as(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/sessions/" + session + "/files/leak")
                .then()
                .statusCode(400)
                .body("detail", containsString("symbolic link"))
                .body(not(containsString("root:x:0:0")));
        as(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/sessions/" + session + "/files/etc/passwd")
                .then()
                .statusCode(400)
                .body("detail", containsString("symbolic link"));
        as(SandboxApi.RUNNER)
                .body("owned".getBytes(StandardCharsets.UTF_8))
                .contentType("application/octet-stream")
                .when()
                .put("/api/v1/sessions/" + session + "/files/root/tmp/planted")
                .then()
                .statusCode(400);
        assertFalse(Files.exists(Path.of("/tmp/planted")));
        as(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/sessions/" + session + "/files")
                .then()
                .statusCode(200)
                .body("find { it.path == 'leak' }.type", equalTo("symlink"))
                .body("find { it.path == 'etc' }.type", equalTo("symlink"));
        // Replacing a link by upload replaces the link itself, never its target.
        as(SandboxApi.RUNNER)
                .body("mine".getBytes(StandardCharsets.UTF_8))
                .contentType("application/octet-stream")
                .when()
                .put("/api/v1/sessions/" + session + "/files/leak")
                .then()
                .statusCode(200);
        assertTrue(Files.readString(Path.of("/etc/passwd")).contains("root:"));
        as(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/sessions/" + session + "/files/leak")
                .then()
                .statusCode(200)
                .body(equalTo("mine"));
        as(SandboxApi.RUNNER)
                .when()
                .delete("/api/v1/sessions/" + session)
                .then()
                .statusCode(204);
    }

    @Test
    void sessionsBelongToTheirOwner() {
        String session = create(Map.of());
        as(TestTokens.withScope("mallory", "sandbox:execute sandbox:read"))
                .when()
                .get("/api/v1/sessions/" + session)
                .then()
                .statusCode(404);
        as(TestTokens.withScope("mallory", "sandbox:execute"))
                .contentType(ContentType.JSON)
                .body(Map.of("language", "bash", "code", "ls"))
                .when()
                .post("/api/v1/sessions/" + session + "/executions")
                .then()
                .statusCode(404);
        as(TestTokens.withScope("reader", "sandbox:read"))
                .when()
                .get("/api/v1/sessions/" + session)
                .then()
                .statusCode(403)
                .body("detail", containsString("sandbox:execute"));
        as(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/sessions")
                .then()
                .statusCode(200)
                .body("id", hasItem(session));
        as(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of("quotaMb", 100_000))
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("quotaMb"));
        as(SandboxApi.RUNNER)
                .when()
                .delete("/api/v1/sessions/" + session)
                .then()
                .statusCode(204);
    }

    @Test
    void anIdleSessionIsRemovedWithItsWorkspace() {
        String session = create(Map.of("idleTtlSeconds", 1));
        assertTrue(Files.isDirectory(workspace(session)));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> as(SandboxApi.RUNNER)
                        .when()
                        .get("/api/v1/sessions/" + session)
                        .then()
                        .statusCode(404));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(workspace(session)));
    }
}
