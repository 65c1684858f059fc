package ai.prometheus.sandbox.runtime;

import ai.prometheus.shared.sandbox.ToolEvents;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits the stderr bytes a run keeps into lines and hands each event line to the run's watch as
 * soon as its newline arrives: the same lines, the same limits ({@link ToolEvents#MAX_EVENTS}, the
 * clipped messages) as {@link ToolEvents#parse} finds in the stored stderr after the run. A line
 * longer than any event could usefully be is skipped whole.
 */
final class EventLines {

    /** Longer than a clipped message with its JSON escapes; anything beyond is not an event worth sending. */
    private static final int MAX_LINE_BYTES = 64 * 1024;

    private final RunWatch watch;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean overlong;
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
        if (overlong || line.size() + length > MAX_LINE_BYTES) {
            overlong = true;
            line.reset();
            return;
        }
        line.write(buffer, offset, length);
    }

    private void endLine() {
        if (!overlong && line.size() > 0) {
            JsonNode event = ToolEvents.line(line.toString(StandardCharsets.UTF_8));
            if (event != null) {
                events++;
                watch.event(event);
            }
        }
        line.reset();
        overlong = false;
    }
}
