package ai.prometheus.sandbox.launch;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import ai.prometheus.sandbox.SandboxApi;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The development first step (sandbox.isolation.launcher=shell: a shell script and setpriv, for
 * builds without sandbox-launch) gives a
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
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body(
                        "checks.find { it.name == 'Sandbox isolation' }.data.detail",
                        containsString("started by sh + setpriv"));
    }

    @Test
    void aRunGetsTheSameLimitsUidAndFilter() {
        SandboxApi.assertARunStartsUnderItsRlimits();
        SandboxApi.assertARunReopensItsStandardStreams();
        SandboxApi.run("bash", "id -u").body("status", equalTo("OK")).body("stdout", equalTo("1000\n"));
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
