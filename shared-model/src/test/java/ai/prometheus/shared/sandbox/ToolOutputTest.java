package ai.prometheus.shared.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ToolOutputTest {

    @Test
    void jsonOutputIsParsed() {
        JsonNode object = ToolOutput.parse("{\"temp\": 21.5, \"city\": \"Oslo\"}\n");
        assertEquals(21.5, object.get("temp").asDouble());
        assertTrue(ToolOutput.parse("[1,2,3]").isArray());
        assertEquals(45, ToolOutput.parse("45\n").asInt());
        assertTrue(ToolOutput.parse("-3.5").isNumber());
        assertTrue(ToolOutput.parse("true").isBoolean());
        assertEquals("quoted", ToolOutput.parse("\"quoted\"").asText());
    }

    @Test
    void otherOutputIsText() {
        assertEquals("hello world\n", ToolOutput.parse("hello world\n").asText());
        assertEquals("{not json", ToolOutput.parse("{not json").asText());
        assertEquals("1 2 3", ToolOutput.parse("1 2 3").asText());
        assertEquals("", ToolOutput.parse("").asText());
        assertEquals("", ToolOutput.parse(null).asText());
        assertTrue(ToolOutput.parse("   \n").isTextual());
    }
}
