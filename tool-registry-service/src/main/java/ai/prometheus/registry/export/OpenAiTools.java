package ai.prometheus.registry.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool in OpenAI's function-calling format, so an agent can hand the list straight to a model:
 * {@code {"type":"function","function":{"name","description","parameters","strict"}}}.
 */
public final class OpenAiTools {

    private OpenAiTools() {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Function(String name, String description, JsonNode parameters, Boolean strict) {}

    public record Tool(String type, Function function) {

        static Tool of(String name, String description, JsonNode parameters, boolean strict) {
            return new Tool(
                    "function",
                    new Function(
                            name, description == null ? "" : description, parameters, strict ? Boolean.TRUE : null));
        }
    }
}
