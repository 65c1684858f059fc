package ai.prometheus.shared.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
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

    @Test
    void whatPostgresCannotStoreIsReplacedInTextAndInsideJson() {
        assertEquals("a\uFFFDb\n", ToolOutput.parse("a\u0000b\n").asText());
        JsonNode parsed = ToolOutput.parse("{\"k\\u0000\": [\"x\\u0000y\", \"\\ud800\"], \"ok\": \"\\ud83d\\ude00\"}");
        assertEquals("x\uFFFDy", parsed.get("k\uFFFD").get(0).asText());
        assertEquals("\uFFFD", parsed.get("k\uFFFD").get(1).asText());
        assertEquals("\ud83d\ude00", parsed.get("ok").asText(), "a surrogate pair is a character, kept as it is");
        assertFalse(parsed.toString().contains("\\u0000"));
        String clean = "nothing to replace \ud83d\ude00";
        assertSame(clean, ToolOutput.text(clean));
        assertEquals("\uFFFDx\uFFFD", ToolOutput.text("\udc00x\ud800"));
    }
}
