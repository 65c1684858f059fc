package ai.prometheus.registry.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Tools in OpenAI's function-calling format, so an agent can hand the list straight to a model:
 * {@code [{"type":"function","function":{"name","description","parameters"}}]}.
 */
public final class OpenAiTools {

    private OpenAiTools() {
    }

    public record Function(String name, String description, JsonNode parameters) {
    }

    public record Tool(String type, Function function) {
    }

    public static List<Tool> of(List<ToolSummary> tools) {
        return tools.stream()
                .map(t -> new Tool("function", new Function(t.name(), t.description() == null ? "" : t.description(),
                        t.functionSignature())))
                .toList();
    }
}
