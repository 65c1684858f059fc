package ai.prometheus.registry.export;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** A tool in Anthropic's Messages API format: {@code {"name","description","input_schema"}}. */
public final class AnthropicTools {

    private AnthropicTools() {}

    public record Tool(
            String name,
            String description,
            @JsonProperty("input_schema") JsonNode inputSchema) {}
}
