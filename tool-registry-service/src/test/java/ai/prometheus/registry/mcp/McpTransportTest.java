package ai.prometheus.registry.mcp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.registry.RegistryFixtures;
import ai.prometheus.shared.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the Streamable HTTP transport checks and how it frames answers, from a plain HTTP client. */
@QuarkusTest
class McpTransportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT = TestTokens.agent("mcp-transport-agent", "tools:read tools:invoke");
    private static final Map<String, Object> PING = Map.of("jsonrpc", "2.0", "id", 1, "method", "ping");

    @TestHTTPResource("/mcp")
    URL mcp;

    @Test
    void aForeignOriginIsRefusedAndALocalOneServed() {
        given().auth()
                .oauth2(AGENT)
                .header("Origin", "https://evil.example")
                .contentType("application/json")
                .body(PING)
                .when()
                .post("/mcp")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("evil.example"));
        // Refused before authentication: a rebinding page learns nothing about tokens.
        given().header("Origin", "https://evil.example")
                .contentType("application/json")
                .body(PING)
                .when()
                .post("/mcp")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(AGENT)
                .header("Origin", "http://localhost:6274")
                .contentType("application/json")
                .body(PING)
                .when()
                .post("/mcp")
                .then()
                .statusCode(200)
                .body("result", equalTo(Map.of()));
    }

    /** A name rebound to 127.0.0.1 arrives with its own name in Host: refused on a loopback address. */
    @Test
    void aForeignHostOnALoopbackAddressIsRefused() throws IOException {
        assertTrue(rawPost("evil.example:" + mcp.getPort()).startsWith("HTTP/1.1 403"));
        assertTrue(rawPost("localhost:" + mcp.getPort()).startsWith("HTTP/1.1 200"));
        assertTrue(rawPost("127.0.0.1:" + mcp.getPort()).startsWith("HTTP/1.1 200"));
    }

    @Test
    void anUnsupportedProtocolVersionHeaderIsA400NamingIt() {
        given().auth()
                .oauth2(AGENT)
                .header("MCP-Protocol-Version", "1999-01-01")
                .contentType("application/json")
                .body(PING)
                .when()
                .post("/mcp")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("MCP-Protocol-Version"))
                .body("errors[0].reason", containsString("2025-11-25"));
        given().auth()
                .oauth2(AGENT)
                .header("MCP-Protocol-Version", "2025-11-25")
                .contentType("application/json")
                .body(PING)
                .when()
                .post("/mcp")
                .then()
                .statusCode(200);
    }

    @Test
    void callingAnUnknownToolIsAJsonRpcInvalidParamsError() throws IOException {
        String answer = given().auth()
                .oauth2(AGENT)
                .contentType("application/json")
                .body(Map.of(
                        "jsonrpc",
                        "2.0",
                        "id",
                        7,
                        "method",
                        "tools/call",
                        "params",
                        Map.of("name", "no_such_tool_anywhere", "arguments", Map.of())))
                .when()
                .post("/mcp")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        JsonNode response = JSON.readTree(answer);
        assertEquals(-32602, response.path("error").path("code").asInt(), answer);
        assertTrue(response.path("error").path("message").asText().contains("no_such_tool_anywhere"), answer);
        assertFalse(response.has("result"), answer);
    }

    /** Older clients may batch: each message is answered, tools/call included; newer versions refuse batches. */
    @Test
    void aBatchIsAnsweredMessageByMessageOrRefusedWhereTheVersionHasNone() throws IOException {
        String tool = RegistryFixtures.registerWeatherTool("mcp-batcher", "mcp_batch");
        List<Map<String, Object>> batch = List.of(
                Map.of(
                        "jsonrpc",
                        "2.0",
                        "id",
                        1,
                        "method",
                        "tools/call",
                        "params",
                        Map.of("name", tool, "arguments", Map.of("city", "Porto"))),
                Map.of("jsonrpc", "2.0", "id", 2, "method", "ping"),
                Map.of(
                        "jsonrpc",
                        "2.0",
                        "id",
                        3,
                        "method",
                        "tools/call",
                        "params",
                        Map.of("name", tool, "arguments", Map.of("city", "Braga"))));
        String answer = given().auth()
                .oauth2(AGENT)
                .contentType("application/json")
                .body(batch)
                .when()
                .post("/mcp")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        JsonNode responses = JSON.readTree(answer);
        assertEquals(3, responses.size(), answer);
        assertEquals(
                "Porto",
                responses
                        .get(0)
                        .path("result")
                        .path("structuredContent")
                        .path("city")
                        .asText(),
                answer);
        assertEquals(JSON.createObjectNode(), responses.get(1).path("result"), answer);
        assertEquals(
                "Braga",
                responses
                        .get(2)
                        .path("result")
                        .path("structuredContent")
                        .path("city")
                        .asText(),
                answer);

        given().auth()
                .oauth2(AGENT)
                .header("MCP-Protocol-Version", "2025-06-18")
                .contentType("application/json")
                .body(batch)
                .when()
                .post("/mcp")
                .then()
                .statusCode(400)
                .body("error.code", equalTo(-32600));
    }

    private String rawPost(String host) throws IOException {
        byte[] body = JSON.writeValueAsBytes(PING);
        String head = "POST /mcp HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + AGENT
                + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", mcp.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
