package ai.prometheus.registry.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 messages, as MCP frames them. */
final class JsonRpc {

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    /** Server-defined: the token does not allow this. */
    static final int FORBIDDEN = -32003;

    private final ObjectMapper json;

    JsonRpc(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode response = json.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        return response;
    }

    ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode response = json.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", id == null ? json.nullNode() : id);
        response.putObject("error").put("code", code).put("message", message);
        return response;
    }

    ObjectNode notification(String method) {
        return json.createObjectNode().put("jsonrpc", "2.0").put("method", method);
    }

    static boolean isRequest(JsonNode message) {
        return message.hasNonNull("method") && message.has("id");
    }
}
