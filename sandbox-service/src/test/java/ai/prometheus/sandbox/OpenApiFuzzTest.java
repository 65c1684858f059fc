package ai.prometheus.sandbox;

import static io.restassured.RestAssured.given;

import ai.prometheus.shared.testing.OpenApiFuzzContract;
import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;

/** Generated hostile input for every operation of this service's OpenAPI document: never a 5xx. */
@QuarkusTest
class OpenApiFuzzTest extends OpenApiFuzzContract {

    /** A session holding a file, and a finished execution, for the operations on them. */
    @Override
    protected Map<String, String> knownPathValues() {
        String session = given().auth()
                .oauth2(TestTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of())
                .when()
                .post("/api/v1/sessions")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        given().auth()
                .oauth2(TestTokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("language", "bash", "code", "echo seed > notes.txt"))
                .when()
                .post("/api/v1/sessions/" + session + "/executions")
                .then()
                .statusCode(201);
        String execution = given().auth()
                .oauth2(TestTokens.admin())
                .contentType(ContentType.JSON)
                .body(SandboxApi.body("python", "print(1)", Map.of()))
                .when()
                .post("/api/v1/executions")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        return Map.of("sessions/{id}", session, "files/{path}", "notes.txt", "executions/{id}", execution);
    }
}
