package ai.prometheus.registry.mcp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
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

    /** A message's POST: a JSON-RPC error with the request's id, the versions spoken and the one asked for. */
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
                .body("id", equalTo(1))
                .body("error.code", equalTo(-32602))
                .body("error.data.supported", hasItems("2026-07-28", "2025-11-25"))
                .body("error.data.requested", equalTo("1999-01-01"));
        // Routes without a message (the GET stream) answer it as problem details naming the header.
        given().auth()
                .oauth2(AGENT)
                .header("MCP-Protocol-Version", "1999-01-01")
                .accept("text/event-stream")
                .when()
                .get("/mcp")
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

    /**
     * 2026-07-28 on HTTP: every request carries its envelope in _meta, its headers agree with its
     * body, and what is refused says so with the status the revision gives it; the id comes back.
     */
    @Test
    void theStatelessRevisionRefusesWhatItsEnvelopeAndHeadersRuleOut() throws IOException {
        Map<String, Object> envelope = Map.of(
                "io.modelcontextprotocol/protocolVersion",
                "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities",
                Map.of());
        // The whole envelope: served.
        assertEquals(200, stateless("server/discover", Map.of("_meta", envelope), "server/discover", null).status);
        // No _meta, or one without client capabilities: invalid params naming the field, a 400.
        Answer bare = stateless("server/discover", Map.of(), "server/discover", null);
        assertEquals(400, bare.status, bare.body.toString());
        assertEquals(-32602, bare.body.path("error").path("code").asInt(), bare.body.toString());
        assertEquals(41, bare.body.path("id").asInt(), bare.body.toString());
        assertEquals(
                "params._meta",
                bare.body
                        .path("error")
                        .path("data")
                        .path("errors")
                        .path(0)
                        .path("field")
                        .asText());
        Answer noCapabilities = stateless(
                "tools/list",
                Map.of("_meta", Map.of("io.modelcontextprotocol/protocolVersion", "2026-07-28")),
                "tools/list",
                null);
        assertEquals(400, noCapabilities.status, noCapabilities.body.toString());
        assertTrue(noCapabilities.body.path("error").path("message").asText().contains("clientCapabilities"));
        // The header and the envelope disagree: header mismatch, a 400.
        Map<String, Object> otherVersion = Map.of(
                "io.modelcontextprotocol/protocolVersion",
                "2025-11-25",
                "io.modelcontextprotocol/clientCapabilities",
                Map.of());
        Answer mismatch = stateless("tools/list", Map.of("_meta", otherVersion), "tools/list", null);
        assertEquals(400, mismatch.status);
        assertEquals(-32020, mismatch.body.path("error").path("code").asInt(), mismatch.body.toString());
        // Routing headers: required, and must say what the body says.
        Answer noMethodHeader = stateless("tools/list", Map.of("_meta", envelope), null, null);
        assertEquals(400, noMethodHeader.status);
        assertEquals(-32020, noMethodHeader.body.path("error").path("code").asInt());
        Answer noNameHeader = stateless(
                "tools/call",
                Map.of("_meta", envelope, "name", "search_tools", "arguments", Map.of()),
                "tools/call",
                null);
        assertEquals(400, noNameHeader.status);
        assertEquals(-32020, noNameHeader.body.path("error").path("code").asInt(), noNameHeader.body.toString());
        Answer wrongCase = stateless("tools/list", Map.of("_meta", envelope), "TOOLS/LIST", null);
        assertEquals(400, wrongCase.status);
        assertEquals(-32020, wrongCase.body.path("error").path("code").asInt());
        // Methods the revision removed, and methods never known: method not found, a 404.
        for (String removed : List.of("initialize", "ping", "logging/setLevel", "unknown/method")) {
            Answer gone = stateless(removed, Map.of("_meta", envelope), removed, null);
            assertEquals(404, gone.status, removed + ": " + gone.body);
            assertEquals(-32601, gone.body.path("error").path("code").asInt(), removed + ": " + gone.body);
            assertEquals(41, gone.body.path("id").asInt());
        }
        // The session revisions keep ping and answer unknown methods in a 200.
        given().auth()
                .oauth2(AGENT)
                .header("MCP-Protocol-Version", "2025-11-25")
                .contentType("application/json")
                .body(Map.of("jsonrpc", "2.0", "id", 2, "method", "unknown/method"))
                .when()
                .post("/mcp")
                .then()
                .statusCode(200)
                .body("error.code", equalTo(-32601));
    }

    /** Sessions hold no server state, so there is nothing to end: DELETE says so with a 405. */
    @Test
    void endingASessionIsNotOffered() {
        given().auth()
                .oauth2(AGENT)
                .header("Mcp-Session-Id", "any")
                .when()
                .delete("/mcp")
                .then()
                .statusCode(405)
                .header("Allow", containsString("POST"));
    }

    private record Answer(int status, JsonNode body) {}

    private Answer stateless(String method, Map<String, Object> params, String methodHeader, String nameHeader)
            throws IOException {
        var request = given().auth()
                .oauth2(AGENT)
                .header("MCP-Protocol-Version", "2026-07-28")
                .contentType("application/json")
                .accept("application/json, text/event-stream")
                .body(Map.of("jsonrpc", "2.0", "id", 41, "method", method, "params", params));
        if (methodHeader != null) {
            request = request.header("Mcp-Method", methodHeader);
        }
        if (nameHeader != null) {
            request = request.header("Mcp-Name", nameHeader);
        }
        var response = request.when().post("/mcp");
        return new Answer(response.statusCode(), JSON.readTree(response.asString()));
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
