package ai.prometheus.shared.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolEventsTest {

    @Test
    void progressAndLogLinesAreEventsInOrderAndOtherStderrIsNot() {
        String stderr = """
                warming up
                ::prometheus:: {"progress": 1, "total": 4, "message": "first"}
                ::prometheus:: {"level": "debug", "message": "detail", "logger": "fetch"}
                Traceback (most recent call last):
                  ::prometheus:: {"progress": 2}
                """;
        List<JsonNode> events = ToolEvents.parse(stderr);
        assertEquals(3, events.size(), events.toString());
        assertEquals("progress", events.get(0).path("type").asText());
        assertEquals(1, events.get(0).path("progress").asInt());
        assertEquals(4, events.get(0).path("total").asInt());
        assertEquals("first", events.get(0).path("message").asText());
        assertEquals("log", events.get(1).path("type").asText());
        assertEquals("debug", events.get(1).path("level").asText());
        assertEquals("fetch", events.get(1).path("logger").asText());
        assertFalse(events.get(2).has("total"));
    }

    @Test
    void malformedEventLinesAreIgnoredAndUnknownLevelsBecomeInfo() {
        List<JsonNode> events = ToolEvents.parse("""
                ::prometheus:: {not json
                ::prometheus:: [1, 2]
                ::prometheus:: {"neither": "progress nor message"}
                ::prometheus:: {"level": "LOUD", "message": {"structured": true}}
                """);
        assertEquals(1, events.size(), events.toString());
        assertEquals("info", events.get(0).path("level").asText());
        assertEquals("{\"structured\":true}", events.get(0).path("message").asText());
    }

    @Test
    void aChattyToolKeepsOnlyTheFirstEventsAndLongMessagesAreClipped() {
        StringBuilder stderr = new StringBuilder();
        for (int i = 0; i < ToolEvents.MAX_EVENTS + 50; i++) {
            stderr.append("::prometheus:: {\"progress\": ").append(i).append("}\n");
        }
        List<JsonNode> events = ToolEvents.parse(stderr.toString());
        assertEquals(ToolEvents.MAX_EVENTS, events.size());
        assertEquals(0, events.get(0).path("progress").asInt());

        String message = "x".repeat(10_000);
        String clipped = ToolEvents.parse("::prometheus:: {\"message\": \"" + message + "\"}")
                .get(0)
                .path("message")
                .asText();
        assertTrue(clipped.length() < 2_100, "clipped to about 2000 characters: " + clipped.length());
        assertTrue(ToolEvents.parse(null).isEmpty());
    }
}
