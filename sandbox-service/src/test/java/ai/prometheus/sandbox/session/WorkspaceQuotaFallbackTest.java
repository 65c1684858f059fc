package ai.prometheus.sandbox.session;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.shared.event.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Where the kernel cannot hold workspaces to their quotas, the service says so and still scans. */
@QuarkusTest
@TestProfile(WorkspaceQuotaFallbackTest.NoKernelQuota.class)
class WorkspaceQuotaFallbackTest {

    static final String REQUESTS = Topics.TOOL_INVOCATION_REQUESTS + ".workspace-quota-fallback-test";

    public static class NoKernelQuota implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sandbox.workspaces.kernel-quota",
                    "off",
                    "mp.messaging.incoming.tool-invocation-requests.topic",
                    REQUESTS,
                    "mp.messaging.incoming.tool-invocation-requests.dead-letter-queue.topic",
                    REQUESTS + ".dlq");
        }
    }

    @Inject
    SessionStorage storage;

    @Test
    void theReadinessCheckSaysQuotasAreScannedAndTheScanStillHolds() throws Exception {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body(
                        "checks.find { it.name == 'Sandbox isolation' }.data.workspaceQuota",
                        containsString("NOT ENFORCED BY THE KERNEL"));
        String session = given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of("quotaMb", 1))
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        Path workspace = storage.workspace(UUID.fromString(session));
        assertTrue(Files.isDirectory(workspace));
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(workspace.toString()));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(SandboxApi.body(
                        "python", "for i in range(30):\n    open(f'part{i}', 'wb').write(b'x' * 100_000)", null))
                .when()
                .post("/api/v1/sessions/" + session + "/executions")
                .then()
                .statusCode(201)
                .body("status", equalTo("FILE_LIMIT"));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .when()
                .delete("/api/v1/sessions/" + session)
                .then()
                .statusCode(204);
    }
}
