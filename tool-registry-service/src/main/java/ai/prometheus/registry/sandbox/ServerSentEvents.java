package ai.prometheus.registry.sandbox;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a {@code text/event-stream} body chunk by chunk into events, as the HTML standard's
 * parser does for the fields this platform's streams use: {@code event} and {@code data} (several
 * data lines join with a newline); comments and other fields ({@code id}, {@code retry}) are
 * skipped, and an event not closed by a blank line when the body ends is dropped. Lines end with
 * LF or CRLF (a lone CR, which no server of the suite writes, is not a line end here). The only
 * parser on the classpath is the REST client's, which is internal and bound to its own event source.
 */
final class ServerSentEvents implements Handler<Buffer> {

    /** One event; its name is {@code message} when the stream named none. */
    record Event(String name, String data) {}

    private final RecordParser lines = RecordParser.newDelimited("\n", this::line);
    private final Consumer<Event> events;
    private String name;
    private StringBuilder data;

    ServerSentEvents(Consumer<Event> events) {
        this.events = events;
    }

    @Override
    public void handle(Buffer chunk) {
        lines.handle(chunk);
    }

    private void line(Buffer bytes) {
        String line = bytes.toString(StandardCharsets.UTF_8);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        int colon = line.indexOf(':');
        if (colon == 0) {
            return;
        }
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(line.startsWith(" ", colon + 1) ? colon + 2 : colon + 1);
        if (field.equals("event")) {
            name = value;
        } else if (field.equals("data")) {
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
    }

    private void dispatch() {
        if (data != null) {
            events.accept(new Event(name == null || name.isEmpty() ? "message" : name, data.toString()));
        }
        name = null;
        data = null;
    }
}
