package ai.prometheus.memory;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The memory guild tells OAuth clients where to get a token, with its own scopes (RFC 9728). */
@QuarkusTest
class ProtectedResourceMetadataTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void a401NamesTheMetadataWhichListsTheMemoryScopes() {
        String origin = base.getProtocol() + "://" + base.getAuthority();
        String metadata = origin + "/.well-known/oauth-protected-resource";
        given().when()
                .get("/api/v1/contexts")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer resource_metadata=\"" + metadata + "\""));
        given().when()
                .get(metadata)
                .then()
                .statusCode(200)
                .body("resource", equalTo(origin))
                .body("resource_name", equalTo("Prometheus memory guild"))
                .body("authorization_servers", hasItem("https://auth.example.test"))
                .body("scopes_supported", hasItem("memory:write"));
    }
}
