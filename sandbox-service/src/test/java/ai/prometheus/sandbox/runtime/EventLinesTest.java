package ai.prometheus.sandbox.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.shared.sandbox.ToolEvents;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Live event lines are exactly the events ToolEvents.parse finds in the same stderr afterwards. */
class EventLinesTest {

    @Test
    void linesSplitAcrossReadsAreReassembledAndMatchTheStoredParse() {
        String stderr = "plain\n::prometheus:: {\"progress\": 1, \"total\": 3}\n"
                + "::prometheus:: {\"level\": \"error\", \"message\": \"é ünïcode\"}\n::prometheus:: {broken\n"
                + "::prometheus:: {\"progress\": 2}\nno newline at the end ::prometheus:: {\"progress\": 9}";
        byte[] bytes = stderr.getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1, 3, 7, 64, bytes.length}) {
            List<JsonNode> live = new ArrayList<>();
            EventLines lines = new EventLines(new RunWatch(live::add));
            for (int offset = 0; offset < bytes.length; offset += chunk) {
                byte[] part = java.util.Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + chunk));
                lines.accept(part, part.length);
            }
            // The last line has no newline yet: it is not an event until the run writes one (the stored parse counts
            // it).
            List<JsonNode> stored = ToolEvents.parse(stderr.substring(0, stderr.lastIndexOf('\n') + 1));
            assertEquals(stored, live, "chunks of " + chunk);
            assertEquals(3, live.size());
        }
    }

    @Test
    void longMessagesAreClippedAsStoredAndNoMoreThanTheFirstEventsCome() {
        List<JsonNode> live = new ArrayList<>();
        EventLines lines = new EventLines(new RunWatch(live::add));
        String longLine = "::prometheus:: {\"level\": \"info\", \"message\": \"" + "x".repeat(70_000) + "\"}\n";
        byte[] bytes = longLine.getBytes(StandardCharsets.UTF_8);
        lines.accept(bytes, bytes.length);
        assertEquals(ToolEvents.parse(longLine), live);
        live.clear();
        byte[] one = "::prometheus:: {\"progress\": 1}\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < ToolEvents.MAX_EVENTS + 50; i++) {
            lines.accept(one, one.length);
        }
        assertEquals(ToolEvents.MAX_EVENTS - 1, live.size(), "one of the first 200 was the long line");
    }
}
