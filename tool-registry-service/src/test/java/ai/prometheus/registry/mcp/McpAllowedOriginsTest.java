package ai.prometheus.registry.mcp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import ai.prometheus.shared.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The origins and hosts an operator lists under {@code registry.mcp.*} widen what /mcp answers. */
@QuarkusTest
@TestProfile(McpAllowedOriginsTest.ListedConsole.class)
class McpAllowedOriginsTest {

    public static class ListedConsole implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "registry.mcp.allowed-origins", "https://console.example,https://other.example",
                    "registry.mcp.allowed-hosts", "mcp.example");
        }
    }

    private static final String AGENT = TestTokens.agent("mcp-origins-agent", "tools:read");

    private static ValidatableResponse ping(String header, String value) {
        return given().auth()
                .oauth2(AGENT)
                .header(header, value)
                .contentType("application/json")
                .body(Map.of("jsonrpc", "2.0", "id", 1, "method", "ping"))
                .when()
                .post("/mcp")
                .then();
    }

    @Test
    void aListedOriginIsServedAndAnUnlistedOneStillRefused() {
        ping("Origin", "https://other.example").statusCode(200);
        ping("Origin", "https://evil.example")
                .statusCode(403)
                .body("detail", containsString("registry.mcp.allowed-origins"));
    }

    @Test
    void aListedHostIsServedAndAnUnlistedOneStillRefused() {
        ping("Host", "mcp.example").statusCode(200);
        ping("Host", "evil.example").statusCode(403).body("detail", containsString("registry.mcp.allowed-hosts"));
    }
}
