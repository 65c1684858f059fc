package ai.prometheus.sandbox.runtime;

import ai.prometheus.shared.sandbox.ToolEvents;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits the stderr bytes a run keeps into lines and hands each event line to the run's watch as
 * soon as its newline arrives: the same lines, the same limits ({@link ToolEvents#MAX_EVENTS}, the
 * clipped messages) as {@link ToolEvents#parse} finds in the stored stderr after the run (a last
 * line without its newline is not an event until the newline comes). It only sees the bytes the
 * run keeps, so a line never grows beyond the run's output limit.
 */
final class EventLines {

    private final RunWatch watch;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int events;

    EventLines(RunWatch watch) {
        this.watch = watch;
    }

    void accept(byte[] buffer, int length) {
        int start = 0;
        for (int i = 0; i < length && events < ToolEvents.MAX_EVENTS; i++) {
            if (buffer[i] == '\n') {
                append(buffer, start, i - start);
                endLine();
                start = i + 1;
            }
        }
        if (events < ToolEvents.MAX_EVENTS && start < length) {
            append(buffer, start, length - start);
        }
    }

    private void append(byte[] buffer, int offset, int length) {
        line.write(buffer, offset, length);
    }

    private void endLine() {
        if (line.size() > 0) {
            JsonNode event = ToolEvents.line(line.toString(StandardCharsets.UTF_8));
            if (event != null) {
                events++;
                watch.event(event);
            }
        }
        line.reset();
    }
}
