package ai.prometheus.registry.mcp;

import ai.prometheus.registry.invocation.InvocationView;
import ai.prometheus.registry.schema.FunctionSignatures;
import ai.prometheus.shared.platform.mcp.JsonRpc;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.sandbox.ExecutionStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A finished invocation as an MCP {@code CallToolResult}.
 *
 * <p>The output envelope: a tool whose stdout is the JSON object {@code {"$mcp": {...}}} (that one
 * key) speaks MCP directly: {@code content} (text, image, audio, resource, resource_link blocks),
 * {@code structuredContent} (an object) and {@code isError}. Any other result is one text block,
 * and also the {@code structuredContent} when it is an object. When the tool declares an
 * {@code outputSchema}, the structured content must conform or the call is a tool error naming
 * what is wrong: a host may rely on what the schema promises.
 *
 * <p>A call may also end in a protocol error instead of a result (see {@link #protocolError}):
 * the envelope {@code {"$mcp": {"error": {"code": -32603, "message": "...", "data": ...}}}}, a
 * tool's way to fail as an MCP server's handler throws, or a run the platform could not carry out.
 */
@ApplicationScoped
public class ToolResults {

    public static final String ENVELOPE = "$mcp";

    private final FunctionSignatures signatures;
    private final ObjectMapper json;

    public ToolResults(FunctionSignatures signatures, ObjectMapper json) {
        this.signatures = signatures;
        this.json = json;
    }

    /** {@code outputSchema}: the tool's, or null; {@code schemaKey} names it in the validator cache. */
    ObjectNode of(InvocationView invocation, JsonNode outputSchema, String schemaKey) {
        if (!"COMPLETED".equals(invocation.status())) {
            return error("Tool failed (" + invocation.sandboxStatus() + "): " + invocation.error());
        }
        JsonNode value = invocation.result();
        ObjectNode result = json.createObjectNode();
        JsonNode envelope = value.isObject() && value.size() == 1 ? value.get(ENVELOPE) : null;
        if (envelope != null) {
            List<String> problems = envelopeProblems(envelope);
            if (!problems.isEmpty()) {
                return error("The tool's output envelope (" + ENVELOPE + ") is malformed:\n- "
                        + String.join("\n- ", problems));
            }
            result.set("content", envelope.has("content") ? envelope.get("content") : json.createArrayNode());
            if (envelope.has("structuredContent")) {
                result.set("structuredContent", envelope.get("structuredContent"));
            }
            result.put("isError", envelope.path("isError").asBoolean(false));
        } else {
            result.putArray("content")
                    .addObject()
                    .put("type", "text")
                    .put("text", value.isTextual() ? value.asText() : value.toString());
            if (value.isObject()) {
                result.set("structuredContent", value);
            }
            result.put("isError", false);
        }
        if (outputSchema != null && !result.path("isError").asBoolean()) {
            JsonNode structured = result.get("structuredContent");
            if (structured == null) {
                return error("The tool declares an outputSchema but returned no structured content (a JSON object).");
            }
            List<FieldError> violations = signatures.violations(outputSchema, schemaKey, structured);
            if (!violations.isEmpty()) {
                StringBuilder text = new StringBuilder("The tool's output does not match its outputSchema:");
                violations.forEach(v -> text.append("\n- ")
                        .append(v.field().replaceFirst("^arguments", "output"))
                        .append(": ")
                        .append(v.reason()));
                return error(text.toString());
            }
        }
        return result;
    }

    /**
     * The JSON-RPC error {@code invocation} ended in, or null when it has a result (a tool error
     * among results): the tool's {@code $mcp.error} ({@code code} an integer, {@code message} a
     * string, {@code data} anything), or -32603 when the platform could not run the tool, which is
     * neither the tool's result nor its fault. The sync call answers it as the JSON-RPC error; a
     * task ends {@code failed} with it.
     */
    ObjectNode protocolError(InvocationView invocation) {
        if ("FAILED".equals(invocation.status())
                && ExecutionStatus.INTERNAL_ERROR.name().equals(invocation.sandboxStatus())) {
            return json.createObjectNode()
                    .put("code", JsonRpc.INTERNAL_ERROR)
                    .put("message", "The platform could not run the tool: " + invocation.error());
        }
        if (!"COMPLETED".equals(invocation.status())) {
            return null;
        }
        JsonNode value = invocation.result();
        JsonNode envelope = value != null && value.isObject() && value.size() == 1 ? value.get(ENVELOPE) : null;
        if (envelope == null
                || !envelope.has("error")
                || !envelopeProblems(envelope).isEmpty()) {
            return null;
        }
        JsonNode error = envelope.get("error");
        ObjectNode out = json.createObjectNode()
                .put("code", error.get("code").asInt())
                .put("message", error.get("message").asText());
        if (error.has("data")) {
            out.set("data", error.get("data"));
        }
        return out;
    }

    ObjectNode error(String text) {
        ObjectNode result = json.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", true);
        return result;
    }

    /** What keeps {@code envelope} from being a CallToolResult; empty when it is one. */
    static List<String> envelopeProblems(JsonNode envelope) {
        List<String> problems = new ArrayList<>();
        if (!envelope.isObject()) {
            problems.add(ENVELOPE + " must be an object");
            return problems;
        }
        if (envelope.has("error")) {
            return errorProblems(envelope);
        }
        envelope.fieldNames().forEachRemaining(field -> {
            if (!List.of("content", "structuredContent", "isError").contains(field)) {
                problems.add(ENVELOPE + "." + field
                        + " is not a field of a tool result (content, structuredContent, isError) or error");
            }
        });
        JsonNode content = envelope.get("content");
        if (content != null && !content.isArray()) {
            problems.add(ENVELOPE + ".content must be an array of content blocks");
        } else if (content != null) {
            for (int i = 0; i < content.size(); i++) {
                int index = i;
                blockProblem(content.get(i)).ifPresent(p -> problems.add(ENVELOPE + ".content[" + index + "]: " + p));
            }
        }
        if (envelope.has("structuredContent")
                && !envelope.get("structuredContent").isObject()) {
            problems.add(ENVELOPE + ".structuredContent must be an object");
        }
        if (envelope.has("isError") && !envelope.get("isError").isBoolean()) {
            problems.add(ENVELOPE + ".isError must be true or false");
        }
        return problems;
    }

    /** A protocol error stands alone: {@code error} with an integer {@code code} and a string {@code message}. */
    private static List<String> errorProblems(JsonNode envelope) {
        List<String> problems = new ArrayList<>();
        if (envelope.size() != 1) {
            problems.add(ENVELOPE + ".error is a protocol error instead of a result: it has no content,"
                    + " structuredContent or isError beside it");
        }
        JsonNode error = envelope.get("error");
        if (!error.path("code").canConvertToInt() || !error.path("code").isIntegralNumber()) {
            problems.add(ENVELOPE + ".error.code must be an integer (a JSON-RPC error code)");
        }
        if (!error.path("message").isTextual()) {
            problems.add(ENVELOPE + ".error.message must be a string");
        }
        error.fieldNames().forEachRemaining(field -> {
            if (!List.of("code", "message", "data").contains(field)) {
                problems.add(
                        ENVELOPE + ".error." + field + " is not a field of a JSON-RPC error (code, message, data)");
            }
        });
        return problems;
    }

    private static Optional<String> blockProblem(JsonNode block) {
        String type = block.path("type").asText("");
        String where = "content block of type '" + type + "'";
        return Optional.ofNullable(
                switch (type) {
                    case "text" -> block.path("text").isTextual() ? null : where + " needs text (a string)";
                    case "image", "audio" ->
                        block.path("data").isTextual() && block.path("mimeType").isTextual()
                                ? null
                                : where + " needs data (base64) and mimeType";
                    case "resource" ->
                        block.path("resource").path("uri").isTextual()
                                        && (block.path("resource").path("text").isTextual()
                                                || block.path("resource")
                                                        .path("blob")
                                                        .isTextual())
                                ? null
                                : where + " needs resource.uri and resource.text or resource.blob";
                    case "resource_link" ->
                        block.path("uri").isTextual() && block.path("name").isTextual()
                                ? null
                                : where + " needs uri and name";
                    default ->
                        "content blocks have type text, image, audio, resource or resource_link, not '" + type + "'";
                });
    }
}
