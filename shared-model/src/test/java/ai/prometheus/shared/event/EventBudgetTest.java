package ai.prometheus.shared.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.shared.platform.messaging.EventCodec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventBudgetTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void aResultFarAboveTheBrokerLimitIsCutWithAMarkerAndTheRestKept() {
        ObjectNode result = codec.mapper().createObjectNode();
        ArrayNode rows = result.putArray("rows");
        for (int i = 0; i < 60_000; i++) {
            rows.add("row " + i + " " + "x".repeat(40));
        }
        UUID invocation = UUID.randomUUID();
        ToolInvocationCompleted completed = new ToolInvocationCompleted(
                invocation,
                "big-tool",
                1,
                "alice",
                null,
                "OK",
                result,
                "{}",
                null,
                5,
                Instant.now(),
                Instant.now(),
                null,
                null);
        CloudEvent event = codec.create(
                "/test", EventTypes.TOOL_INVOCATION_COMPLETED, "invocations/" + invocation, completed, null);

        int size = codec.encode(event).getBytes(StandardCharsets.UTF_8).length;
        assertTrue(size <= EventCodec.MAX_DATA_BYTES + 2_000, "event is " + size + " bytes");
        ToolInvocationCompleted read = codec.data(codec.decode(codec.encode(event)), ToolInvocationCompleted.class);
        assertEquals(invocation, read.invocationId());
        assertEquals("big-tool", read.toolName());
        assertTrue(read.result().isTextual() && read.result().textValue().endsWith(EventBudget.MARKER));
        assertTrue(read.result().textValue().startsWith("{\"rows\":[\"row 0 "));
        assertEquals(
                "result", event.data().get(EventBudget.TRUNCATED_FIELDS).get(0).asText());
    }

    @Test
    void multiByteTextIsCutUnderTheBudgetToo() {
        ObjectNode data = codec.mapper().createObjectNode();
        data.put("a", "é😀".repeat(400_000));
        data.put("b", "ü".repeat(300_000));
        JsonNode fitted = EventBudget.fit(data, 200_000, codec.mapper());
        assertTrue(EventBudget.bytes(fitted, codec.mapper()) <= 200_000);
        assertTrue(fitted.get("a").textValue().endsWith(EventBudget.MARKER));
    }

    @Test
    void dataWithinTheBudgetIsUntouched() {
        ObjectNode data = codec.mapper().createObjectNode().put("small", "value");
        assertSame(data, EventBudget.fit(data, 1_000, codec.mapper()));
    }
}
