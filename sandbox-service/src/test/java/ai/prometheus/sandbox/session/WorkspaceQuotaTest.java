package ai.prometheus.sandbox.session;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.sandbox.runtime.RunLimits;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Hostile writers against the kernel-held workspace quotas, measured on the host: many small
 * files, several writers at once, several runs at once. Nothing may pass the quota, and every run
 * ends as the tool's own failure to write, never as a fault of the platform.
 */
@QuarkusTest
class WorkspaceQuotaTest {

    /** Six writers at once, each making empty files until the kernel refuses, then one large file each. */
    private static final String WRITERS = """
            for w in 1 2 3 4 5 6; do
              ( i=0
                while [ $i -lt 3000 ]; do : > w$w-$i 2>/dev/null || break; i=$((i+1)); done
                head -c 2000000 /dev/zero > big$w ) &
            done
            wait
            echo done
            """;

    @Inject
    SessionStorage storage;

    @Inject
    SandboxRuntime runtime;

    @Inject
    SessionConfig config;

    @Test
    void parallelWritersAndConcurrentRunsStayWithinTheSessionsBytesAndInodes() throws Exception {
        assertTrue(
                runtime.workspaceQuota().kernel(),
                "this host mounts: " + runtime.workspaceQuota().detail());
        String session = given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(Map.of("quotaMb", 8))
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        List<CompletableFuture<Response>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> given().auth()
                    .oauth2(SandboxApi.RUNNER)
                    .contentType(ContentType.JSON)
                    .body(SandboxApi.body("bash", WRITERS, Map.of("wallMs", 20_000)))
                    .when()
                    .post("/api/v1/sessions/" + session + "/executions")));
        }
        int ran = 0;
        for (CompletableFuture<Response> run : runs) {
            Response response = run.get(60, TimeUnit.SECONDS);
            // One run at a time per session: the others are told the session is busy, or find it full.
            if (response.statusCode() == 409) {
                continue;
            }
            assertEquals(201, response.statusCode(), response.asString());
            ran++;
            assertEquals("FILE_LIMIT", response.path("status"), response.asString());
            assertTrue(response.<String>path("message").contains("quota"), response.asString());
        }
        assertTrue(ran >= 1);
        // A second round once the first is over: the workspace is full, so it is refused up front.
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(SandboxApi.body("bash", WRITERS, null))
                .when()
                .post("/api/v1/sessions/" + session + "/executions")
                .then()
                .statusCode(409)
                .body("detail", containsString("delete files"));

        Path workspace = storage.workspace(UUID.fromString(session));
        long quota = 8 * RunLimits.MIB;
        assertTrue(diskUsage(workspace) <= quota, "du: " + diskUsage(workspace));
        assertTrue(Files.getFileStore(workspace).getTotalSpace() <= quota);
        long entries = entries(workspace);
        assertTrue(entries <= config.maxFiles() + 1, "entries: " + entries);
        assertTrue(entries > 900, "the writers made files until the inode limit: " + entries);

        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .when()
                .delete("/api/v1/sessions/" + session)
                .then()
                .statusCode(204);
        assertFalse(Files.exists(workspace));
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(workspace.toString()));
    }

    @Test
    void bigFilesFromParallelWritersStopAtTheSessionsByteQuota() throws Exception {
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
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(SandboxApi.body("python", """
                        import threading
                        def write(n):
                            try:
                                with open(f'big{n}', 'wb') as f:
                                    for _ in range(100):
                                        f.write(b'x' * 65536)
                                        f.flush()
                            except OSError as e:
                                print(e.strerror)
                        threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
                        [t.start() for t in threads]
                        [t.join() for t in threads]
                        """, null))
                .when()
                .post("/api/v1/sessions/" + session + "/executions")
                .then()
                .statusCode(201)
                .body("status", equalTo("FILE_LIMIT"))
                .body("stdout", containsString("No space left on device"));
        Path workspace = storage.workspace(UUID.fromString(session));
        assertTrue(diskUsage(workspace) <= RunLimits.MIB, "du: " + diskUsage(workspace));
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .when()
                .delete("/api/v1/sessions/" + session)
                .then()
                .statusCode(204);
    }

    @Test
    void aFreshRunsWritablePlacesShareOneQuotaOfBytesAndInodes() throws Exception {
        // /workspace, /tmp and /dev/shm together; the run waits so the host can look at its tmpfs.
        CompletableFuture<Response> run = CompletableFuture.supplyAsync(() -> given().auth()
                .oauth2(SandboxApi.RUNNER)
                .contentType(ContentType.JSON)
                .body(SandboxApi.body("bash", """
                        for dir in /workspace /tmp /dev/shm; do
                          for w in 1 2 3; do
                            ( i=0; while [ $i -lt 3000 ]; do : > $dir/f$w-$i || break; i=$((i+1)); done
                              head -c 3000000 /dev/zero > $dir/big$w ) 2>/dev/null &
                          done
                        done
                        wait
                        echo data > /workspace/more || true
                        rm -f /workspace/f1-0; echo > /workspace/ready
                        sleep 6
                        """, Map.of("diskMb", 4, "wallMs", 30_000)))
                .when()
                .post("/api/v1/executions"));
        Path root = awaitSandboxWith("workspace/ready", run);
        long bytes = diskUsage(root.resolve("workspace"))
                + diskUsage(root.resolve("tmp"))
                + diskUsage(root.resolve("dev/shm"));
        long entries =
                entries(root.resolve("workspace")) + entries(root.resolve("tmp")) + entries(root.resolve("dev/shm"));
        Response response = run.get(60, TimeUnit.SECONDS);
        assertEquals(201, response.statusCode(), response.asString());
        assertTrue(bytes <= 4 * RunLimits.MIB, "du: " + bytes);
        assertTrue(entries <= 4096 + 2, "entries: " + entries);
        assertTrue(entries > 4000, "the writers made files until the inode limit: " + entries);
        assertNotEquals("INTERNAL_ERROR", response.path("status"));
        assertTrue(response.<String>path("stderr").contains("No space left on device"), response.asString());
        // The tmpfs lived in the sandbox's own mount namespace: nothing of it is on the host.
        try (Stream<Path> left = Files.list(Path.of(runtimeState(), "run-tmpfs"))) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void theHostWideCapRefusesNewSessionsNamingTheLimit() {
        String owner = TestTokens.withScope("cap-" + UUID.randomUUID(), "sandbox:execute sandbox:read");
        List<String> created = new ArrayList<>();
        Response refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            Response response = given().auth()
                    .oauth2(owner)
                    .contentType(ContentType.JSON)
                    .body(Map.of("quotaMb", 128))
                    .when()
                    .post("/api/v1/sessions");
            if (response.statusCode() == 201) {
                created.add(response.path("id"));
            } else {
                refused = response;
            }
        }
        try {
            assertTrue(refused != null, "the cap of " + config.totalQuotaMb() + " MiB was never reached");
            assertEquals(429, refused.statusCode(), refused.asString());
            assertEquals("urn:prometheus:problem:session-capacity", refused.path("type"));
            assertEquals("application/problem+json", refused.contentType());
            assertTrue(refused.<String>path("detail").contains("sandbox.sessions.total-quota-mb"), refused.asString());
            assertEquals("60", refused.header("Retry-After"));
        } finally {
            created.forEach(id -> given().auth()
                    .oauth2(owner)
                    .when()
                    .delete("/api/v1/sessions/" + id)
                    .then()
                    .statusCode(204));
        }
        String again = given().auth()
                .oauth2(owner)
                .contentType(ContentType.JSON)
                .body(Map.of("quotaMb", 128))
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        given().auth()
                .oauth2(owner)
                .when()
                .delete("/api/v1/sessions/" + again)
                .then()
                .statusCode(204);
    }

    private String runtimeState() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("sandbox.state-dir", String.class);
    }

    /** The root, as the host sees it, of the sandbox that made {@code marker}. */
    private static Path awaitSandboxWith(String marker, CompletableFuture<Response> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Optional<Path> found;
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                found = processes
                        .filter(p -> p.getFileName().toString().matches("\\d+"))
                        .map(p -> p.resolve("root"))
                        .filter(root -> Files.exists(root.resolve(marker)))
                        .findFirst();
            }
            if (found.isPresent()) {
                return found.get();
            }
            if (run.isDone()) {
                throw new AssertionError(
                        "the run ended before it was seen: " + run.get().asString());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no sandbox made " + marker);
    }

    private static long diskUsage(Path directory) throws IOException, InterruptedException {
        Process du = new ProcessBuilder("du", "-s", "--block-size=1", directory.toString()).start();
        String out = new String(du.getInputStream().readAllBytes()).trim();
        du.waitFor();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    private static long entries(Path directory) throws IOException {
        try (Stream<Path> all = Files.walk(directory)) {
            return all.count() - 1;
        }
    }
}
