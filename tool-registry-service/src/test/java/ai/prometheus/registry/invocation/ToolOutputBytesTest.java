package ai.prometheus.registry.invocation;

import static ai.prometheus.registry.RegistryFixtures.developer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import ai.prometheus.registry.RegistryFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tool's output may hold any bytes, including NUL (which PostgreSQL cannot store, neither as
 * text nor escaped in jsonb) and bytes that are not UTF-8. Both paths store and answer it, with
 * those characters as U+FFFD, instead of a 500 (sync) or a run stuck PENDING and then reported as
 * a platform fault (async).
 */
@QuarkusTest
class ToolOutputBytesTest {

    private static final String NUL_TEXT = """
            import sys
            sys.stdout.write('before\\0after')
            """;
    private static final String NUL_IN_JSON = """
            import sys
            sys.stdout.write('{"v": "x\\\\u0000y", "n": 1}')
            """;
    private static final String NOT_UTF8 = """
            import sys
            sys.stdout.buffer.write(b'ok\\xff\\xfe\\0end')
            """;
    private static final String NUL_ON_STDERR = """
            import sys
            sys.stderr.write('bad\\0byte')
            sys.exit(3)
            """;

    private static String tool(String code) {
        String name = RegistryFixtures.uniqueName("bytes");
        RegistryFixtures.register(
                        developer("nul-owner"),
                        Map.of(
                                "name",
                                name,
                                "description",
                                "prints odd bytes",
                                "functionSignature",
                                Map.of("type", "object"),
                                "implementation",
                                Map.of("language", "python", "code", code)))
                .statusCode(201);
        return name;
    }

    private static ValidatableResponse invoke(String tool, String mode) {
        return given().auth()
                .oauth2(developer("nul-caller"))
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of(), "mode", mode))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then();
    }

    private static ValidatableResponse finished(String id) {
        return await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> given().auth()
                                .oauth2(developer("nul-caller"))
                                .when()
                                .get("/api/v1/invocations/" + id)
                                .then(),
                        response -> !"PENDING".equals(response.extract().path("status")));
    }

    @Test
    void syncOutputWithNulCompletesWithTheCharacterReplaced() {
        invoke(tool(NUL_TEXT), "sync")
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("result", equalTo("before\uFFFDafter"));
        invoke(tool(NUL_IN_JSON), "sync")
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("result.v", equalTo("x\uFFFDy"))
                .body("result.n", equalTo(1));
        invoke(tool(NOT_UTF8), "sync")
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("result", equalTo("ok\uFFFD\uFFFD\uFFFDend"));
    }

    @Test
    void syncFailureWithNulOnStderrIsAnOrdinaryFailedInvocation() {
        invoke(tool(NUL_ON_STDERR), "sync")
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("sandboxStatus", equalTo("RUNTIME_ERROR"))
                .body("error", containsString("bad\uFFFDbyte"));
    }

    @Test
    void asyncOutputWithNulCompletesInsteadOfStayingPending() {
        String text = invoke(tool(NUL_TEXT), "async").statusCode(202).extract().path("id");
        String json =
                invoke(tool(NUL_IN_JSON), "async").statusCode(202).extract().path("id");
        String failing =
                invoke(tool(NUL_ON_STDERR), "async").statusCode(202).extract().path("id");
        finished(text).body("status", equalTo("COMPLETED")).body("result", equalTo("before\uFFFDafter"));
        finished(json).body("status", equalTo("COMPLETED")).body("result.v", equalTo("x\uFFFDy"));
        finished(failing)
                .body("status", equalTo("FAILED"))
                .body("sandboxStatus", equalTo("RUNTIME_ERROR"))
                .body("error", containsString("bad\uFFFDbyte"));
    }
}
