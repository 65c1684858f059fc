package ai.prometheus.registry.export;

import ai.prometheus.registry.discovery.ToolSummary;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.problem.ProblemException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of the tools a caller may invoke, in a model provider's tool format. It has the shape
 * of every listing of the suite ({@code items}, {@code page}, {@code size}, {@code hasMore}), so a
 * client pages until {@code hasMore} is false and never loses a tool to a silent cut; a tool that
 * cannot be written in the requested format is listed in {@code skipped} with the reason.
 */
public record ToolExport(
        String format,
        List<Object> items,
        int page,
        int size,
        boolean hasMore,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Skipped> skipped) {

    public static final List<String> FORMATS = List.of("openai", "anthropic");

    /** A tool of the page that the format cannot carry, and why. */
    public record Skipped(String name, String reason) {}

    /** Converts one page; {@code strict} asks for OpenAI strict-mode functions. */
    public static ToolExport of(String format, boolean strict, PageResult<ToolSummary> page) {
        if (strict && !format.equals("openai")) {
            throw ProblemException.invalidField("strict", "applies only to format=openai");
        }
        List<Object> items = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (ToolSummary tool : page.items()) {
            if (format.equals("anthropic")) {
                items.add(new AnthropicTools.Tool(
                        tool.name(),
                        tool.description() == null ? "" : tool.description(),
                        tool.functionSignature() == null ? emptyObjectSchema() : tool.functionSignature()));
            } else if (!strict) {
                items.add(OpenAiTools.Tool.of(tool.name(), tool.description(), tool.functionSignature(), false));
            } else {
                StrictSchema.Result result = StrictSchema.convert(tool.functionSignature());
                if (result instanceof StrictSchema.Converted converted) {
                    items.add(OpenAiTools.Tool.of(tool.name(), tool.description(), converted.schema(), true));
                } else if (result instanceof StrictSchema.Refused refused) {
                    skipped.add(new Skipped(tool.name(), "cannot be a strict-mode function: " + refused.reason()));
                }
            }
        }
        return new ToolExport(format, items, page.page(), page.size(), page.hasMore(), skipped);
    }

    private static JsonNode emptyObjectSchema() {
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        schema.putObject("properties");
        return schema;
    }
}
