package ai.prometheus.sandbox.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

/**
 * Who watches one run while it goes: the progress and log events the tool writes on stderr (see
 * {@code ToolEvents}) are handed to {@code events} as each line is read, on the run's I/O thread.
 * The consumer must not block: it is the pump of the run's stderr. A cancellable watch can also
 * stop the run: {@link #cancel()} kills its process tree, or keeps it from starting.
 */
public final class RunWatch {

    private static final RunWatch NONE = new RunWatch(null, false);

    private final Consumer<JsonNode> events;
    private final boolean cancellable;
    private volatile boolean cancelled;
    /** Kills the running sandbox; set while one runs, null before and after. */
    private volatile Runnable stop;

    public RunWatch(Consumer<JsonNode> events) {
        this(events, false);
    }

    private RunWatch(Consumer<JsonNode> events, boolean cancellable) {
        this.events = events;
        this.cancellable = cancellable;
    }

    /** Nobody listens: the events stay in stderr only. */
    public static RunWatch none() {
        return NONE;
    }

    /** Nobody listens to the events, but the run can be cancelled. */
    public static RunWatch cancellable() {
        return new RunWatch(null, true);
    }

    /** {@code events} (null: nobody) hears the run's events, and the run can be cancelled. */
    public static RunWatch cancellable(Consumer<JsonNode> events) {
        return new RunWatch(events, true);
    }

    /** Stops the run: kills it if it runs, keeps it from starting if not yet. Idempotent; a no-op once it ended. */
    public void cancel() {
        if (!cancellable) {
            throw new IllegalStateException("this run cannot be cancelled");
        }
        cancelled = true;
        Runnable running = stop;
        if (running != null) {
            running.run();
        }
    }

    public boolean cancelled() {
        return cancelled;
    }

    /**
     * The sandbox running the code says how to kill it ({@code null} once it ended). Flag and
     * callback are both volatile and written before the other is read, so a cancel racing the
     * start is seen by at least one side; the kill itself is idempotent.
     */
    void onCancel(Runnable kill) {
        if (!cancellable) {
            return;
        }
        stop = kill;
        if (kill != null && cancelled) {
            kill.run();
        }
    }

    boolean listens() {
        return events != null;
    }

    void event(JsonNode event) {
        try {
            events.accept(event);
        } catch (RuntimeException e) {
            // A listener's failure (a closed stream) must never stop the run's output being read.
        }
    }
}
