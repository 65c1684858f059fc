package ai.prometheus.shared.platform.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 messages, as MCP frames them. */
public final class JsonRpc {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** MCP: the resource does not exist (or the caller may not read it). */
    public static final int RESOURCE_NOT_FOUND = -32002;
    /** Server-defined: the token does not allow this. */
    public static final int FORBIDDEN = -32003;
    /** 2026-07-28: an HTTP header (protocol version, Mcp-Method, Mcp-Name) disagrees with the body, or is missing. */
    public static final int HEADER_MISMATCH = -32020;
    /** 2026-07-28: the request needs a client capability (an extension) the client did not declare. */
    public static final int MISSING_CLIENT_CAPABILITY = -32021;

    private final ObjectMapper json;

    public JsonRpc(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode response = json.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        return response;
    }

    public ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode response = json.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", id == null ? json.nullNode() : id);
        response.putObject("error").put("code", code).put("message", message);
        return response;
    }

    public ObjectNode notification(String method) {
        return json.createObjectNode().put("jsonrpc", "2.0").put("method", method);
    }

    public static boolean isRequest(JsonNode message) {
        return message.hasNonNull("method") && message.has("id");
    }
}
