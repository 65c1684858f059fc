package ai.prometheus.shared.testing;

import static io.restassured.RestAssured.given;

import ai.prometheus.shared.platform.mcp.McpServer;
import ai.prometheus.shared.platform.mcp.McpTransport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON-RPC client of the service under test's {@code /mcp}, as an MCP host speaks to it over
 * HTTP: one token, optionally a session or a pinned protocol version, and the routing headers
 * each request's params call for ({@link StatelessMcp}). For tests of the wire format; the
 * official SDKs drive the same endpoint in {@link NodeMcpClient}.
 */
public final class McpHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String token;
    private final String session;
    private final String version;

    private McpHttp(String token, String session, String version) {
        this.token = token;
        this.session = session;
        this.version = version;
    }

    /** A client with {@code token} and no session: each request stands alone. */
    public static McpHttp as(String token) {
        return new McpHttp(token, null, null);
    }

    /** The same client in {@code session} (its {@code Mcp-Session-Id}). */
    public McpHttp inSession(String session) {
        return new McpHttp(token, session, version);
    }

    /** The same client naming {@code protocolVersion} in the {@code MCP-Protocol-Version} header. */
    public McpHttp atVersion(String protocolVersion) {
        return new McpHttp(token, session, protocolVersion);
    }

    /** The params of an {@code initialize} at {@code protocolVersion} by a client declaring no capabilities. */
    public static Map<String, Object> initializeParams(String protocolVersion) {
        return Map.of(
                "protocolVersion",
                protocolVersion,
                "capabilities",
                Map.of(),
                "clientInfo",
                Map.of("name", "test", "version", "1"));
    }

    /** Initializes a session at the latest session-based version; answers its id. */
    public String openSession() {
        return post("initialize", initializeParams(McpServer.LATEST_SESSION_VERSION))
                .then()
                .statusCode(200)
                .extract()
                .header(McpTransport.SESSION_HEADER);
    }

    /** The JSON-RPC answer to {@code method}, which must come with HTTP 200. */
    public JsonNode rpc(String method, Map<String, ?> params) {
        return json(post(method, params).then().statusCode(200).extract().asString());
    }

    /**
     * The JSON-RPC answer to {@code method} whatever the HTTP status: 2026-07-28 answers a refusal
     * with its own (400, 404), and the error in the body says which.
     */
    public JsonNode reply(String method, Map<String, ?> params) {
        return json(post(method, params).asString());
    }

    /** {@code tools/call} of {@code tool} with {@code arguments}, which must come with HTTP 200. */
    public JsonNode callTool(String tool, Map<String, ?> arguments) {
        return rpc("tools/call", Map.of("name", tool, "arguments", arguments));
    }

    /** The body of a 2026-07-28 {@code subscriptions/listen} request asking for {@code notifications}. */
    public static Map<String, Object> listenRequest(Object id, Map<String, ?> notifications) {
        return Map.of(
                "jsonrpc",
                "2.0",
                "id",
                id,
                "method",
                "subscriptions/listen",
                "params",
                Map.of(
                        "_meta",
                        Map.of(StatelessMcp.META_PROTOCOL_VERSION, StatelessMcp.VERSION),
                        "notifications",
                        notifications));
    }

    /**
     * Opens a {@code subscriptions/listen} stream on {@code mcp} (the endpoint's URL): its events
     * as they come, the acknowledgement first.
     */
    public SseClient listen(URL mcp, Object id, Map<String, ?> notifications) throws IOException, InterruptedException {
        Map<String, String> headers = new LinkedHashMap<>(authorization());
        headers.put("Accept", "application/json, text/event-stream");
        headers.put("Content-Type", "application/json");
        headers.put("Mcp-Method", "subscriptions/listen");
        headers.put(McpTransport.PROTOCOL_VERSION_HEADER, StatelessMcp.VERSION);
        return SseClient.open(
                "POST", mcp.toString(), headers, JSON.writeValueAsString(listenRequest(id, notifications)));
    }

    /** Opens the GET stream of server notifications on {@code mcp} (the endpoint's URL), in this client's session if it has one. */
    public SseClient stream(URL mcp) throws IOException, InterruptedException {
        Map<String, String> headers = new LinkedHashMap<>(authorization());
        headers.put("Accept", "text/event-stream");
        if (session != null) {
            headers.put(McpTransport.SESSION_HEADER, session);
        }
        return SseClient.open("GET", mcp.toString(), headers, null);
    }

    /** The HTTP response to request {@code method}, for a test that looks at more than the body. */
    public Response post(String method, Map<String, ?> params) {
        return request(method, params)
                .body(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params))
                .when()
                .post("/mcp");
    }

    private RequestSpecification request(String method, Map<String, ?> params) {
        RequestSpecification request = given().auth()
                .oauth2(token)
                .contentType("application/json")
                .accept("application/json")
                .headers(StatelessMcp.headersFor(method, params));
        if (version != null) {
            request.header(McpTransport.PROTOCOL_VERSION_HEADER, version);
        }
        if (session != null) {
            request.header(McpTransport.SESSION_HEADER, session);
        }
        return request;
    }

    private Map<String, String> authorization() {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not a JSON-RPC answer: " + body, e);
        }
    }
}
