package ai.prometheus.sandbox.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

/**
 * Who watches one run while it goes: the progress and log events the tool writes on stderr (see
 * {@code ToolEvents}) are handed to {@code events} as each line is read, on the run's I/O thread.
 * The consumer must not block: it is the pump of the run's stderr.
 */
public final class RunWatch {

    private static final RunWatch NONE = new RunWatch(event -> {});

    private final Consumer<JsonNode> events;

    public RunWatch(Consumer<JsonNode> events) {
        this.events = events;
    }

    /** Nobody listens: the events stay in stderr only. */
    public static RunWatch none() {
        return NONE;
    }

    boolean listens() {
        return this != NONE;
    }

    void event(JsonNode event) {
        try {
            events.accept(event);
        } catch (RuntimeException e) {
            // A listener's failure (a closed stream) must never stop the run's output being read.
        }
    }
}
