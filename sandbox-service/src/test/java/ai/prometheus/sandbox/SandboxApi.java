package ai.prometheus.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs code through the real REST API, as a client would. */
public final class SandboxApi {

    public static final String RUNNER = TestTokens.withScope("corpus-runner", "sandbox:execute sandbox:read");

    private SandboxApi() {}

    public static Map<String, Object> body(String language, String code, Map<String, Object> limits) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("language", language);
        body.put("code", code);
        if (limits != null && !limits.isEmpty()) {
            body.put("limits", limits);
        }
        return body;
    }

    /** POSTs the run and expects 201: every program outcome, hostile or not, is a result. */
    public static ValidatableResponse run(String language, String code, Map<String, Object> limits) {
        return given().auth()
                .oauth2(RUNNER)
                .contentType(ContentType.JSON)
                .body(body(language, code, limits))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .contentType(ContentType.JSON);
    }

    public static ValidatableResponse run(String language, String code) {
        return run(language, code, Map.of());
    }

    /**
     * A script reopens its standard streams by name, as shell scripts do ({@code echo >/dev/stderr}):
     * the links lead through /proc/self/fd to the service's pipes, which whichever first step started
     * the sandbox handed to the sandbox's uid.
     */
    public static void assertARunReopensItsStandardStreams() {
        Map<String, Object> body = body("bash", "cat /dev/stdin; echo out > /dev/stdout; echo err > /dev/stderr", null);
        body.put("stdin", "in\n");
        given().auth()
                .oauth2(RUNNER)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .body("status", equalTo("OK"))
                .body("stdout", equalTo("in\nout\n"))
                .body("stderr", equalTo("err\n"));
    }

    /**
     * A bash run with an 8 MB workspace reads its own rlimits: set before the privileges are dropped,
     * whichever first step set them, as backstops behind the cgroups.
     */
    public static void assertARunStartsUnderItsRlimits() {
        String limits = run("bash", """
                grep -E '^Max (cpu time|file size|processes|open files|core file size) ' /proc/self/limits \\
                  | sed -E 's/  +/|/g'
                """, Map.of("diskMb", 8))
                .body("status", equalTo("OK"))
                .body("stdout", containsString("Max file size|8388608|8388608|bytes"))
                .body("stdout", containsString("Max open files|256|256|files"))
                .body("stdout", containsString("Max core file size|0|0|bytes"))
                .body("stdout", matchesPattern("(?s).*Max cpu time\\|(\\d+)\\|(\\d+)\\|seconds.*"))
                .body("stdout", matchesPattern("(?s).*Max processes\\|\\d+\\|\\d+\\|processes.*"))
                .body("stdout", not(containsString("unlimited")))
                .extract()
                .path("stdout");
        assertCpuRlimitLeavesAGraceSecond(limits);
    }

    /**
     * In {@code /proc/self/limits} lines joined with {@code |}: the CPU rlimit's hard limit is one
     * second above the soft one, so SIGXCPU comes before SIGKILL.
     */
    private static void assertCpuRlimitLeavesAGraceSecond(String limits) {
        Matcher cpu =
                Pattern.compile("Max cpu time\\|(\\d+)\\|(\\d+)\\|seconds").matcher(limits);
        assertTrue(cpu.find(), limits);
        long soft = Long.parseLong(cpu.group(1));
        long hard = Long.parseLong(cpu.group(2));
        assertTrue(soft >= 1 && hard == soft + 1, "cpu soft/hard " + soft + "/" + hard);
    }
}
