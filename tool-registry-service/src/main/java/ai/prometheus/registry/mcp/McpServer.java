package ai.prometheus.registry.mcp;

import ai.prometheus.registry.discovery.Discovery;
import ai.prometheus.registry.discovery.DiscoveryQuery;
import ai.prometheus.registry.discovery.ToolSummary;
import ai.prometheus.registry.invocation.InvocationRequest;
import ai.prometheus.registry.invocation.InvocationService;
import ai.prometheus.registry.invocation.InvocationView;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The registry as a Model Context Protocol server: {@code tools/list} answers the tools the
 * token may invoke, {@code tools/call} goes through exactly the same path as
 * {@code POST /tools/{name}/invocations} (validation, permissions, audit, usage), and failures of
 * a call come back as tool errors ({@code isError: true}) the model can read.
 */
@ApplicationScoped
public class McpServer {

    static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
    private static final Logger LOG = Logger.getLogger(McpServer.class);
    private static final int PAGE_SIZE = 100;

    private final Discovery discovery;
    private final InvocationService invocations;
    private final ObjectMapper json;
    private final JsonRpc rpc;

    public McpServer(Discovery discovery, InvocationService invocations, ObjectMapper json) {
        this.discovery = discovery;
        this.invocations = invocations;
        this.json = json;
        this.rpc = new JsonRpc(json);
    }

    /** Answers one request; null for a notification or a response, which need no answer. */
    public Uni<ObjectNode> handle(Caller caller, JsonNode message) {
        if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").asText())) {
            return Uni.createFrom().item(rpc.error(message.get("id"), JsonRpc.INVALID_REQUEST, "not a JSON-RPC 2.0 message"));
        }
        if (!JsonRpc.isRequest(message)) {
            return Uni.createFrom().nullItem();
        }
        JsonNode id = message.get("id");
        JsonNode params = message.path("params");
        String method = message.get("method").asText();
        Uni<JsonNode> result = switch (method) {
            case "initialize" -> Uni.createFrom().item(initialize(params));
            case "ping" -> Uni.createFrom().item(json.createObjectNode());
            case "tools/list" -> listTools(caller, params);
            case "tools/call" -> callTool(caller, params);
            default -> null;
        };
        if (result == null) {
            return Uni.createFrom().item(rpc.error(id, JsonRpc.METHOD_NOT_FOUND, "unknown method " + method));
        }
        return result.map(value -> rpc.result(id, value))
                .onFailure().recoverWithItem(failure -> errorFor(id, failure));
    }

    ObjectNode listChanged() {
        return rpc.notification("notifications/tools/list_changed");
    }

    private JsonNode initialize(JsonNode params) {
        String requested = params.path("protocolVersion").asText("");
        String version = PROTOCOL_VERSIONS.contains(requested) ? requested : PROTOCOL_VERSIONS.get(0);
        ObjectNode result = json.createObjectNode().put("protocolVersion", version);
        result.putObject("capabilities").putObject("tools").put("listChanged", true);
        result.putObject("serverInfo").put("name", "prometheus-tool-registry").put("version", "0.1.0");
        result.put("instructions", "Tools registered in the Prometheus tool registry that your token may invoke."
                + " Arguments follow each tool's inputSchema; results are the tool's JSON output.");
        return result;
    }

    private Uni<JsonNode> listTools(Caller caller, JsonNode params) {
        int page = 0;
        if (params.hasNonNull("cursor")) {
            try {
                page = Integer.parseInt(params.get("cursor").asText());
            } catch (NumberFormatException e) {
                return Uni.createFrom().failure(new InvalidParams("cursor is not one this server gave out"));
            }
        }
        int index = page;
        return discovery.invocable(caller, new DiscoveryQuery(null, null, null, null, "name", page, PAGE_SIZE))
                .map(found -> {
                    ObjectNode result = json.createObjectNode();
                    ArrayNode tools = result.putArray("tools");
                    for (ToolSummary tool : found.items()) {
                        ObjectNode entry = tools.addObject().put("name", tool.name())
                                .put("description", tool.description() == null ? "" : tool.description());
                        entry.set("inputSchema", tool.functionSignature());
                    }
                    if (found.hasMore()) {
                        result.put("nextCursor", Integer.toString(index + 1));
                    }
                    return result;
                });
    }

    private Uni<JsonNode> callTool(Caller caller, JsonNode params) {
        if (!params.path("name").isTextual()) {
            return Uni.createFrom().failure(new InvalidParams("params.name must name a tool"));
        }
        JsonNode arguments = params.get("arguments");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            return Uni.createFrom().failure(new InvalidParams("params.arguments must be an object"));
        }
        String name = params.get("name").asText();
        return invocations.invoke(caller, name, new InvocationRequest(arguments, "sync", null, null), null)
                .map(invoked -> toolResult(invoked.invocation()))
                // A tool that does not exist (or that the caller may not see) is a protocol error, as
                // the specification has it; every other refusal is a result the model can read.
                .onFailure(ProblemException.class).transform(failure -> ((ProblemException) failure).type() == ProblemType.NOT_FOUND
                        ? new InvalidParams("unknown tool: " + name) : failure)
                .onFailure(ProblemException.class).recoverWithItem(failure -> toolError((ProblemException) failure));
    }

    private JsonNode toolResult(InvocationView invocation) {
        ObjectNode result = json.createObjectNode();
        ArrayNode content = result.putArray("content");
        if ("COMPLETED".equals(invocation.status())) {
            JsonNode value = invocation.result();
            content.addObject().put("type", "text").put("text", value.isTextual() ? value.asText() : value.toString());
            if (value.isObject()) {
                result.set("structuredContent", value);
            }
            result.put("isError", false);
        } else {
            content.addObject().put("type", "text")
                    .put("text", "Tool failed (" + invocation.sandboxStatus() + "): " + invocation.error());
            result.put("isError", true);
        }
        return result;
    }

    private JsonNode toolError(ProblemException problem) {
        StringBuilder text = new StringBuilder(problem.getMessage());
        for (FieldError error : problem.errors()) {
            text.append("\n- ").append(error.field()).append(": ").append(error.reason());
        }
        ObjectNode result = json.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text.toString());
        result.put("isError", true);
        return result;
    }

    private ObjectNode errorFor(JsonNode id, Throwable failure) {
        if (failure instanceof InvalidParams invalid) {
            return rpc.error(id, JsonRpc.INVALID_PARAMS, invalid.getMessage());
        }
        if (failure instanceof ProblemException problem) {
            int code = problem.type() == ProblemType.FORBIDDEN ? JsonRpc.FORBIDDEN : JsonRpc.INVALID_PARAMS;
            return rpc.error(id, code, problem.getMessage());
        }
        LOG.error("MCP request failed", failure);
        return rpc.error(id, JsonRpc.INTERNAL_ERROR, "the server failed to handle the request");
    }

    /** Params that do not fit the method: a JSON-RPC error, not a tool error. */
    static final class InvalidParams extends RuntimeException {
        InvalidParams(String message) {
            super(message, null, false, false);
        }
    }
}
