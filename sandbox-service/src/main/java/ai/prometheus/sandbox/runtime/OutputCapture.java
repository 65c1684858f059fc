package ai.prometheus.sandbox.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a run's stdout and stderr against one shared budget: everything up to the budget is kept,
 * the first byte beyond it trips the output limit, and reading goes on (discarding) until the
 * pipes close so the writer is never left blocked.
 */
final class OutputCapture {

    private final long budget;
    private final Runnable onExceeded;
    /** Null when nobody watches the run live. */
    private final EventLines events;

    private long kept;
    private long seen;
    private boolean exceeded;

    final Stream stdout = new Stream();
    final Stream stderr = new Stream();

    OutputCapture(long budget, Runnable onExceeded) {
        this(budget, onExceeded, RunWatch.none());
    }

    /** {@code watch} hears of each event line of stderr as it is read (only of the kept bytes, as the result has them). */
    OutputCapture(long budget, Runnable onExceeded, RunWatch watch) {
        this.budget = budget;
        this.onExceeded = onExceeded;
        this.events = watch.listens() ? new EventLines(watch) : null;
    }

    final class Stream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean truncated;

        String text() {
            synchronized (OutputCapture.this) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        boolean truncated() {
            synchronized (OutputCapture.this) {
                return truncated;
            }
        }
    }

    void pump(InputStream in, Stream stream) {
        byte[] buffer = new byte[16 * 1024];
        try {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                accept(stream, buffer, read);
            }
        } catch (IOException e) {
            // the pipe closed under us when the run was killed: what was read is what there is
        }
    }

    private void accept(Stream stream, byte[] buffer, int length) {
        boolean tripped = false;
        synchronized (this) {
            seen += length;
            long room = Math.max(0, budget - kept);
            int keep = (int) Math.min(room, length);
            stream.bytes.write(buffer, 0, keep);
            kept += keep;
            if (events != null && stream == stderr && keep > 0) {
                // Under the lock: the listener sees the lines in the order they were kept.
                events.accept(buffer, keep);
            }
            if (keep < length) {
                stream.truncated = true;
                if (!exceeded) {
                    exceeded = true;
                    tripped = true;
                }
            }
        }
        if (tripped) {
            onExceeded.run();
        }
    }

    synchronized long seenBytes() {
        return seen;
    }
}
