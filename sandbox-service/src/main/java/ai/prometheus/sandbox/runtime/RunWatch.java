package ai.prometheus.sandbox.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Who watches one run while it goes: the progress and log events the tool writes on stderr (see
 * {@code ToolEvents}) are handed to {@code events} as each line is read, on the run's I/O thread.
 * The consumer must not block: it is the pump of the run's stderr. A cancellable watch can also
 * stop the run: {@link #cancel()} kills its process tree, or keeps it from starting. A watch can
 * also hold what a run leaves behind (its sandbox's teardown, its replacement's start) until the
 * run's answer has been written ({@link #holdUntilAnswered()}, {@link #answered()}), so that work
 * does not compete with the answer for the CPU.
 */
public final class RunWatch {

    private static final RunWatch NONE = new RunWatch(null, false);

    private final Consumer<JsonNode> events;
    private final boolean cancellable;
    private volatile boolean cancelled;
    /** Kills the running sandbox; set while one runs, null before and after. */
    private volatile Runnable stop;
    /** Work held for after the answer: non-null from {@link #holdUntilAnswered()} until {@link #answered()}. */
    private List<Runnable> afterAnswer;

    private boolean answered;

    private boolean answerFollows;

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

    /**
     * The work the run leaves behind waits for {@link #answered()}: its caller writes an answer
     * after the run (the row, the response) and says when it has. Call before the run.
     */
    public synchronized RunWatch holdUntilAnswered() {
        if (this == NONE) {
            throw new IllegalStateException("the shared watch holds nothing");
        }
        answerFollows = true;
        if (!answered && afterAnswer == null) {
            afterAnswer = new ArrayList<>();
        }
        return this;
    }

    /** The run's answer has been written (or will never be): held work goes now, later work at once. */
    public void answered() {
        List<Runnable> held;
        synchronized (this) {
            answered = true;
            held = afterAnswer;
            afterAnswer = null;
        }
        if (held != null) {
            held.forEach(Runnable::run);
        }
    }

    /** Whether the caller writes an answer after the run and says when it has (held work may already be free to go). */
    synchronized boolean answerFollows() {
        return answerFollows;
    }

    /** Runs {@code work} once the answer has been written, or at once when nothing is held. {@code work} must not block. */
    void afterAnswer(Runnable work) {
        synchronized (this) {
            if (afterAnswer != null) {
                afterAnswer.add(work);
                return;
            }
        }
        work.run();
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
