package ai.prometheus.sandbox.runtime;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import ai.prometheus.sandbox.SandboxApi;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A state directory others may write to (root executes sandbox-launch from it and reads the seccomp
 * filter there) leaves the service not ready rather than running code from it.
 */
@QuarkusTest
@TestProfile(UnsafeStateDirectoryTest.WorldWritable.class)
class UnsafeStateDirectoryTest {

    public static class WorldWritable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path state = Files.createTempDirectory("sandbox-state-");
                Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
                return Map.of("sandbox.state-dir", state.toString(), "sandbox.pool.size", "0");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void theServiceIsNotReadyAndRunsNothing() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'Sandbox isolation' }.status", equalTo("DOWN"))
                .body(
                        "checks.find { it.name == 'Sandbox isolation' }.data.detail",
                        containsString("writable by others"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of("language", "bash", "code", "echo ran"))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("detail", containsString("SANDBOX_STATE_DIR"));
    }
}
