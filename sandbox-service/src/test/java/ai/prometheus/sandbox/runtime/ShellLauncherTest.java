package ai.prometheus.sandbox.runtime;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import ai.prometheus.sandbox.SandboxApi;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fallback first step (a shell script and setpriv, for builds without sandbox-launch) gives a
 * run the same rlimits, uid and seccomp filter as the program does.
 */
@QuarkusTest
@TestProfile(ShellLauncherTest.Shell.class)
class ShellLauncherTest {

    public static class Shell implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sandbox.isolation.launcher", "shell", "sandbox.pool.size", "0");
        }
    }

    @Test
    void theServiceSaysWhichFirstStepItUses() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Sandbox isolation' }.data.detail", containsString("started by sh + setpriv"));
    }

    @Test
    void aRunGetsTheSameLimitsUidAndFilter() {
        String limits = SandboxApi.run("bash", """
                grep -E '^Max (cpu time|file size|processes|open files|core file size) ' /proc/self/limits \\
                  | sed -E 's/  +/|/g'
                id -u
                """, Map.of("diskMb", 8))
                .body("status", equalTo("OK"))
                .body("stdout", matchesPattern("(?s).*Max cpu time\\|\\d+\\|\\d+\\|seconds.*"))
                .body("stdout", containsString("Max file size|8388608|8388608|bytes"))
                .body("stdout", containsString("Max open files|256|256|files"))
                .body("stdout", containsString("Max core file size|0|0|bytes"))
                .body("stdout", matchesPattern("(?s).*Max processes\\|\\d+\\|\\d+\\|processes.*\\n1000\\n"))
                .body("stdout", not(containsString("unlimited")))
                .extract().path("stdout");
        SandboxApi.assertCpuRlimitLeavesAGraceSecond(limits);
        SandboxApi.run("python", """
                import ctypes, errno, os, socket
                libc = ctypes.CDLL(None, use_errno=True)
                print(libc.unshare(0x10000000), os.strerror(ctypes.get_errno()))
                try:
                    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                except OSError as e:
                    print("socket", e.errno == errno.EAFNOSUPPORT)
                """)
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("-1 Operation not permitted\nsocket True\n"));
    }
}
