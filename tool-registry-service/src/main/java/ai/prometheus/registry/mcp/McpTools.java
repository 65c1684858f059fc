package ai.prometheus.registry.mcp;

import ai.prometheus.registry.discovery.ToolSummary;
import ai.prometheus.shared.platform.mcp.McpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A registered tool as an MCP {@code Tool} in {@code tools/list}. */
final class McpTools {

    private McpTools() {}

    static ObjectNode describe(ObjectMapper json, ToolSummary tool) {
        ObjectNode entry = json.createObjectNode().put("name", tool.name());
        JsonNode mcp = tool.mcp() == null ? json.createObjectNode() : tool.mcp();
        if (mcp.path("title").isTextual()) {
            entry.put("title", mcp.get("title").asText());
        }
        // Hosts show the description to the model and people: never absent.
        entry.put(
                "description",
                tool.description() == null || tool.description().isBlank() ? tool.name() : tool.description());
        // The signature as registered, keywords and all ($schema, $defs, additionalProperties...).
        entry.set("inputSchema", tool.functionSignature());
        if (mcp.path("outputSchema").isObject()) {
            entry.set("outputSchema", mcp.get("outputSchema"));
        }
        if (mcp.path("icons").isArray()) {
            entry.set("icons", mcp.get("icons"));
        }
        // Tools registered before the metadata existed say nothing; openWorldHint defaults to true then.
        if (mcp.path("annotations").isObject()) {
            entry.set("annotations", mcp.get("annotations"));
        }
        String support = taskSupport(mcp);
        // Absent means forbidden (2025-11-25's default).
        if (!McpServer.FORBIDDEN.equals(support)) {
            entry.putObject("execution").put("taskSupport", support);
        }
        return entry;
    }

    /**
     * Whether the tool may run as an MCP task (the registry's asynchronous invocation):
     * {@code optional} unless its owner said {@code required} or {@code forbidden}.
     */
    static String taskSupport(JsonNode mcp) {
        return mcp == null ? "optional" : mcp.path("taskSupport").asText("optional");
    }
}
