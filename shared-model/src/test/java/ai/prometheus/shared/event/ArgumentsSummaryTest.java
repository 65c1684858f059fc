package ai.prometheus.shared.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;

class ArgumentsSummaryTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void shortArgumentsAreKeptWhole() throws Exception {
        assertEquals("{\"city\":\"Oslo\"}", ArgumentsSummary.of(json.readTree("{\"city\": \"Oslo\"}"), 50));
    }

    @Test
    void longArgumentsAreCutToTheLimitWithAnEllipsis() throws Exception {
        String summary = ArgumentsSummary.of(json.readTree("{\"text\": \"" + "x".repeat(1000) + "\"}"), 100);
        assertEquals(100, summary.length());
        assertTrue(summary.startsWith("{\"text\":\"xxx") && summary.endsWith("…"), summary);
    }

    @Test
    void noArgumentsAreAnEmptyObject() {
        assertEquals("{}", ArgumentsSummary.of(null, 10));
        assertEquals("{}", ArgumentsSummary.of(NullNode.getInstance(), 10));
    }
}
