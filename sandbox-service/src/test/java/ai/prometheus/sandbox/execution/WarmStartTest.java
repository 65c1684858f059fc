package ai.prometheus.sandbox.execution;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import ai.prometheus.sandbox.SandboxApi;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a pre-started sandbox saves on every start must not change what a run gets: its cgroup is
 * created with the default limits (a run asking for them writes none), and python starts without
 * the site module (the bootstrap sets up what site would have).
 */
@QuarkusTest
class WarmStartTest {

    @Inject
    SandboxRuntime runtime;

    /** Runs {@code code} on a pre-started python sandbox and checks it was one. */
    private ValidatableResponse runWarm(String code, Map<String, Object> limits) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> runtime.warmSandboxes().getOrDefault("python", 0) >= 1);
        ValidatableResponse run = SandboxApi.run("python", code, limits);
        String id = run.extract().path("id");
        given().auth()
                .oauth2(SandboxApi.RUNNER)
                .when()
                .get("/api/v1/executions/" + id)
                .then()
                .statusCode(200)
                .body("warm", equalTo(true));
        return run;
    }

    @Test
    void aWarmRunWithTheDefaultLimitsIsKilledAtTheDefaultMemoryLimit() {
        runWarm("chunks = []\nwhile True:\n    chunks.append(b'x' * 10_000_000)\n", Map.of())
                .body("status", equalTo("MEMORY_LIMIT"))
                .body("signal", equalTo(9))
                .body("limits.memoryMb", equalTo(256))
                .body("usage.peakMemoryBytes", greaterThan(128 * 1024 * 1024))
                .body("usage.peakMemoryBytes", lessThanOrEqualTo(256 * 1024 * 1024));
    }

    @Test
    void aWarmRunAskingForMoreMemoryThanTheDefaultGetsItAndNoMore() {
        // 320 MB written: above the default of 256, within the 512 asked for.
        runWarm("data = b'x' * (320 * 1024 * 1024)\nprint(len(data) // 1048576)", Map.of("memoryMb", 512))
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("320\n"));
        runWarm("chunks = []\nwhile True:\n    chunks.append(b'x' * 10_000_000)\n", Map.of("memoryMb", 512))
                .body("status", equalTo("MEMORY_LIMIT"))
                .body("usage.peakMemoryBytes", greaterThan(256 * 1024 * 1024))
                .body("usage.peakMemoryBytes", lessThanOrEqualTo(512 * 1024 * 1024));
        // A smaller limit than the default is lowered in the group as before.
        runWarm("chunks = []\nwhile True:\n    chunks.append(b'x' * 10_000_000)\n", Map.of("memoryMb", 64))
                .body("status", equalTo("MEMORY_LIMIT"))
                .body("usage.peakMemoryBytes", lessThanOrEqualTo(64 * 1024 * 1024));
    }

    @Test
    void aWarmRunWithTheDefaultProcessLimitIsHeldThere() {
        runWarm(
                        "import os, time\nwhile True:\n    if os.fork() == 0:\n        time.sleep(5)\n",
                        Map.of("wallMs", 10_000))
                .body("status", equalTo("PROCESS_LIMIT"))
                .body("limits.maxProcesses", equalTo(64));
    }

    @Test
    void pythonStartsWithoutTheSiteModuleYetSeesWhatSiteWouldHaveSetUp() {
        // The site directories are on sys.path, in site's order, although site did not run.
        runWarm("""
                        import os, site, sys
                        expected = [d for d in site.getsitepackages() if os.path.isdir(d)]
                        print(sys.flags.no_site, [p for p in sys.path if p in expected] == expected)
                        print(type(exit).__name__, type(quit).__name__, callable(help), repr(license)[:4])
                        """, Map.of())
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("1 True\nQuitter Quitter True See \n"));
        // exit() ends the run with its code, as in any script.
        runWarm("print('before')\nexit(3)\nprint('after')", Map.of())
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("exitCode", equalTo(3))
                .body("stdout", equalTo("before\n"));
        // An import found nowhere (which reads the site directories' .pth files first) fails as usual.
        runWarm("import no_such_module_anywhere", Map.of())
                .body("status", equalTo("RUNTIME_ERROR"))
                .body("stderr", equalTo("""
                        Traceback (most recent call last):
                          File "<string>", line 1, in <module>
                        ModuleNotFoundError: No module named 'no_such_module_anywhere'
                        """));
    }

    @Test
    void aWarmPythonHasJsonLoadedWhileRecentRunsUseItAndTheCodeSeesACleanMainModule() {
        // sandbox.python.preload=json in the default mode (used): once runs name json, the
        // sandboxes started for the next ones import it before they are ready...
        // The probe spells the name in two parts: a run naming json counts as using it.
        String probe = "import sys\nprint('js' 'on' in sys.modules, "
                + "sorted(k for k in globals() if not k.startswith('__') and k != 'sys'))";
        String usingJson = probe + "\nimport json\nprint(json.dumps(json.loads(sys.stdin.read() or '{}')))";
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "True []\n{}\n"
                        .equals(runWarm(usingJson, Map.of()).extract().path("stdout")));
        // ... and once most runs do not, they stop paying for it.
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        "False []\n".equals(runWarm(probe, Map.of()).extract().path("stdout")));
    }
}
