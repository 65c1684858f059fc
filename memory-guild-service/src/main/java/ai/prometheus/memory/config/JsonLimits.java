package ai.prometheus.memory.config;

import ai.prometheus.shared.problem.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;

/** The size and shape rules for the free-form JSON that contexts and memories carry. */
@Singleton
public class JsonLimits {

    private final int maxBytes;

    public JsonLimits(MemoryConfig config) {
        this.maxBytes = config.memories().maxMetadataBytes();
    }

    /** A JSON object of bounded size, or null. */
    public void requireObject(String field, JsonNode value) {
        if (value != null && !value.isNull() && !value.isObject()) {
            throw ProblemException.invalidField(field, "must be a JSON object");
        }
        requireSize(field, value);
    }

    /** Any JSON value of bounded size, or null. */
    public void requireSize(String field, JsonNode value) {
        if (value != null && value.toString().getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw ProblemException.invalidField(field, "must be at most " + maxBytes + " bytes of JSON");
        }
    }
}
