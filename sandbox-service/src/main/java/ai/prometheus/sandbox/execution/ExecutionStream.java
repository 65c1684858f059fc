package ai.prometheus.sandbox.execution;

import ai.prometheus.shared.problem.Problem;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One execution as server-sent events: {@code progress} and {@code log} while it runs, then one
 * {@code result} (the {@code ExecutionResult} the plain call answers) or {@code error} (problem
 * details: what the plain call would have answered with a 4xx or 5xx once the run was accepted).
 * Events are buffered, never dropped: a run writes at most {@code ToolEvents.MAX_EVENTS} of them.
 */
final class ExecutionStream {

    static final String PROGRESS = "progress";
    static final String LOG = "log";
    static final String RESULT = "result";
    static final String ERROR = "error";

    private static final Logger LOGGER = Logger.getLogger(ExecutionStream.class);

    private ExecutionStream() {}

    /**
     * {@code execution} starts the run with a consumer of its live events; {@code cleanup} runs
     * when the stream ends for any reason (the client went away included). A client that goes away
     * cancels the run's subscription, which stops the run.
     */
    static Multi<OutboundSseEvent> of(
            Sse sse,
            ObjectMapper json,
            Function<Consumer<JsonNode>, Uni<ExecutionService.Executed>> execution,
            Runnable cleanup) {
        return Multi.createFrom()
                .<OutboundSseEvent>emitter(
                        emitter -> {
                            Consumer<JsonNode> events = event -> emitter.emit(event(
                                    sse,
                                    "progress".equals(event.path("type").asText()) ? PROGRESS : LOG,
                                    event.toString()));
                            Uni<ExecutionService.Executed> run;
                            try {
                                run = execution.apply(events);
                            } catch (RuntimeException e) {
                                run = Uni.createFrom().failure(e);
                            }
                            Cancellable running = run.subscribe()
                                    .with(
                                            executed -> {
                                                emitter.emit(event(sse, RESULT, text(json, executed.result())));
                                                emitter.complete();
                                            },
                                            failure -> {
                                                emitter.emit(event(sse, ERROR, text(json, problem(failure))));
                                                emitter.complete();
                                            });
                            // The client closed the stream: the run is stopped (and still stored).
                            emitter.onTermination(() -> {
                                if (emitter.isCancelled()) {
                                    running.cancel();
                                }
                            });
                        },
                        BackPressureStrategy.BUFFER)
                .onTermination()
                .invoke(cleanup);
    }

    private static Problem problem(Throwable failure) {
        if (failure instanceof ProblemException problem) {
            return problem.toProblem();
        }
        LOGGER.error("A streamed execution failed", failure);
        return new ProblemException(ProblemType.INTERNAL, "the execution failed inside the sandbox service")
                .toProblem();
    }

    /**
     * {@code value} as JSON text, written once by the mapper the plain call answers with (not
     * built as a tree and then written: that doubled the work of the stream's last event).
     */
    private static String text(ObjectMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event's data could not be written as JSON", e);
        }
    }

    private static OutboundSseEvent event(Sse sse, String name, String data) {
        return sse.newEventBuilder()
                .name(name)
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, data)
                .build();
    }
}
