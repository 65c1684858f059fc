package ai.prometheus.registry;

import static io.restassured.RestAssured.given;

import ai.prometheus.shared.testing.OpenApiFuzzContract;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;

/** Generated hostile input for every operation of this service's OpenAPI document: never a 5xx. */
@QuarkusTest
class OpenApiFuzzTest extends OpenApiFuzzContract {

    /** A registered tool with a secret and one finished invocation, for the operations below them. */
    @Override
    protected Map<String, String> knownPathValues() {
        String tool = RegistryFixtures.uniqueName("fuzz_seed");
        RegistryFixtures.register(
                        TestTokens.admin(),
                        Map.of(
                                "name",
                                tool,
                                "functionSignature",
                                RegistryFixtures.WEATHER_SCHEMA,
                                "implementation",
                                Map.of(
                                        "language",
                                        "python",
                                        "secrets",
                                        List.of("FUZZ_KEY"),
                                        "code",
                                        RegistryFixtures.ECHO_PYTHON)))
                .statusCode(201);
        given().auth()
                .oauth2(TestTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("value", "s3cret-fuzz"))
                .when()
                .put("/api/v1/tools/" + tool + "/secrets/FUZZ_KEY")
                .then()
                .statusCode(204);
        String invocation = given().auth()
                .oauth2(TestTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("arguments", Map.of("city", "Oslo"), "mode", "async"))
                .when()
                .post("/api/v1/tools/" + tool + "/invocations")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        return Map.of(
                "tools/{name}",
                tool,
                "versions/{version}",
                "1",
                "secrets/{secret}",
                "FUZZ_KEY",
                "invocations/{id}",
                invocation);
    }
}
