package ai.prometheus.registry.mcp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** An MCP host that knows only the URL finds, from a 401, where to get a token (RFC 9728). */
@QuarkusTest
class McpAuthorizationDiscoveryTest {

    private static final Pattern RESOURCE_METADATA = Pattern.compile("Bearer resource_metadata=\"([^\"]+)\"");

    @TestHTTPResource("/")
    URL base;

    @Test
    void a401NamesTheProtectedResourceMetadataWhichNamesTheAuthorizationServer() {
        String challenge = given().contentType("application/json")
                .body(Map.of("jsonrpc", "2.0", "id", 1, "method", "tools/list"))
                .when()
                .post("/mcp")
                .then()
                .statusCode(401)
                .extract()
                .header("WWW-Authenticate");
        Matcher matcher = RESOURCE_METADATA.matcher(challenge == null ? "" : challenge);
        assertTrue(matcher.matches(), "WWW-Authenticate: " + challenge);
        String origin = base.getProtocol() + "://" + base.getAuthority();
        String metadata = matcher.group(1);
        assertTrue(metadata.equals(origin + "/.well-known/oauth-protected-resource"), metadata);

        // Fetched as a host would: without a token.
        given().when()
                .get(metadata)
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body("resource", equalTo(origin))
                .body("authorization_servers", hasItem("https://auth.example.test"))
                .body("scopes_supported", hasItem("tools:invoke"))
                .body("bearer_methods_supported", hasItem("header"));
        // The path-suffixed form for the MCP endpoint itself, which clients try first.
        given().when()
                .get("/.well-known/oauth-protected-resource/mcp")
                .then()
                .statusCode(200)
                .body("resource", equalTo(origin + "/mcp"))
                .body("authorization_servers", hasItem("https://auth.example.test"));
        // A bad token is a 401 with the same challenge.
        given().auth()
                .oauth2("not-a-jwt")
                .contentType("application/json")
                .body(Map.of("jsonrpc", "2.0", "id", 1, "method", "ping"))
                .when()
                .post("/mcp")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer resource_metadata=\"" + metadata + "\""));
    }
}
