package ai.prometheus.sandbox.secret;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.testing.Engines;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Secrets reach a run as environment variables in every language, and come out only redacted. */
@QuarkusTest
class RunSecretsTest {

    private static final String MARKER = "[REDACTED:API_TOKEN]";

    private static Response run(String language, String code, Map<String, String> secrets) {
        return given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of("language", language, "code", code, "secrets", secrets))
                .when()
                .post("/api/v1/executions");
    }

    @Test
    void everyLanguageSeesItsSecretsAndPrintsThemOnlyRedacted() throws Exception {
        String value = "tok-" + UUID.randomUUID() + " 'quoted' $HOME\nsecond line";
        Map<String, String> secrets = Map.of("API_TOKEN", value, "OTHER_SECRET", "other-" + UUID.randomUUID());
        Map<String, String> programs = Map.of(
                "python",
                        "import os, hashlib\nv = os.environ['API_TOKEN']\n"
                                + "print(hashlib.sha256(v.encode()).hexdigest())\nprint(v)\n"
                                + "import subprocess\nprint(subprocess.run(['sh', '-c', 'printf %s \"$API_TOKEN\"'],"
                                + " capture_output=True, text=True).stdout)",
                "node",
                        "const v = process.env.API_TOKEN;\n"
                                + "console.log(require('crypto').createHash('sha256').update(v).digest('hex'));\nconsole.log(v);\n"
                                + "console.log(require('child_process').execSync('printf %s \"$API_TOKEN\"').toString());",
                "bash",
                        "printf '%s' \"$API_TOKEN\" | sha256sum | cut -d' ' -f1\nprintf '%s\\n' \"$API_TOKEN\"\n"
                                + "sh -c 'printf %s \"$API_TOKEN\"'; echo; echo \"$API_TOKEN\" >&2");
        for (Map.Entry<String, String> program : programs.entrySet()) {
            Response response = run(program.getKey(), program.getValue(), secrets);
            response.then().statusCode(201).body("status", equalTo("OK"));
            String[] lines = response.<String>path("stdout").split("\n");
            assertEquals(sha256(value), lines[0], program.getKey() + ": the run got the exact value");
            assertEquals(MARKER, lines[1], program.getKey());
            assertEquals(MARKER, lines[2], program.getKey() + ": child processes inherit it");
            assertFalse(response.asString().contains(value.substring(0, 40)), response.asString());
            String id = response.path("id");
            String stored = given().auth()
                    .oauth2(SandboxApi.RUNNER)
                    .when()
                    .get("/api/v1/executions/" + id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertTrue(stored.contains(MARKER), stored);
            assertFalse(stored.contains(value.substring(0, 40)), stored);
        }
        try (Connection db = Engines.jdbc();
                PreparedStatement grep =
                        db.prepareStatement("select count(*) from sandbox.executions t where t::text like ?")) {
            grep.setString(1, "%" + value.substring(0, 40) + "%");
            try (ResultSet rs = grep.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1), "a secret value is stored in sandbox.executions");
            }
        }
    }

    @Test
    void aRunWithoutSecretsHasNoneOfAnotherRunsVariables() {
        run("python", "print('x')", Map.of("API_TOKEN", "first-run-" + UUID.randomUUID()))
                .then()
                .statusCode(201);
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of("language", "python", "code", "import os\nprint(os.environ.get('API_TOKEN', 'unset'))"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .body("stdout", equalTo("unset\n"));
    }

    @Test
    void secretNamesMustBeEnvironmentVariablesTheSandboxDoesNotSet() {
        run("python", "print(1)", Map.of("lower_case", "some-value"))
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("secrets"));
        run("python", "print(1)", Map.of("PATH", "/tmp/evil"))
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("secrets"));
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
