package ai.prometheus.registry.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

    private static List<ServerSentEvents.Event> read(String... chunks) {
        List<ServerSentEvents.Event> events = new ArrayList<>();
        ServerSentEvents parser = new ServerSentEvents(events::add);
        for (String chunk : chunks) {
            parser.handle(Buffer.buffer(chunk.getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    private static ServerSentEvents.Event event(String name, String data) {
        return new ServerSentEvents.Event(name, data);
    }

    @Test
    void namedEventsAsTheSandboxWritesThem() {
        assertEquals(
                List.of(event("progress", "{\"progress\":1}"), event("result", "{\"status\":\"OK\"}")),
                read("event:progress\ndata:{\"progress\":1}\n\nevent:result\ndata:{\"status\":\"OK\"}\n\n"));
    }

    @Test
    void anEventSplitAnywhereAcrossChunksIsReadWhole() {
        String stream = "event: log\ndata: {\"message\":\"caf\u00e9 \u2713\"}\n\nevent: result\ndata: {}\n\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        List<ServerSentEvents.Event> expected =
                List.of(event("log", "{\"message\":\"caf\u00e9 \u2713\"}"), event("result", "{}"));
        for (int cut = 1; cut < bytes.length; cut++) {
            List<ServerSentEvents.Event> events = new ArrayList<>();
            ServerSentEvents parser = new ServerSentEvents(events::add);
            // Cuts inside a multi-byte character too: lines are decoded only once whole.
            parser.handle(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, 0, cut)));
            parser.handle(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, cut, bytes.length)));
            assertEquals(expected, events, "cut at byte " + cut);
        }
    }

    @Test
    void dataLinesJoinWithANewlineAndOneSpaceAfterTheColonIsDropped() {
        assertEquals(List.of(event("message", "a\n  b\n")), read("data: a\ndata:   b\ndata:\n\n"));
    }

    @Test
    void crlfLineEndsCommentsAndOtherFieldsAreHandled() {
        assertEquals(
                List.of(event("result", "x")),
                read(": keep-alive\r\n\r\nid: 7\r\nretry: 100\r\nevent: result\r\ndata: x\r\n\r\n"));
    }

    @Test
    void anEventWithoutDataOrNotClosedByABlankLineIsNotDispatched() {
        assertEquals(List.of(), read("event: result\n\nevent: error\ndata: {\"status\":500}\n"));
    }

    @Test
    void theEventNameDoesNotCarryOverToTheNextEvent() {
        assertEquals(List.of(event("log", "1"), event("message", "2")), read("event: log\ndata: 1\n\ndata: 2\n\n"));
    }
}
