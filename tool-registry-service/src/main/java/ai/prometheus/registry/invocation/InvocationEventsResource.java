package ai.prometheus.registry.invocation;

import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * Following an invocation as server-sent events: {@code progress} and {@code log} events, then one
 * {@code outcome} event with the invocation as {@code GET /invocations/{id}} answers it.
 *
 * <p>No {@code @Produces}, and buffers (for which the REST layer assumes no type): the answer is
 * written as a plain stream whose status and headers are sent with its first event, once the
 * invocation was found and shown to be the caller's, so an unknown id is still a 404 with problem
 * details rather than an empty stream.
 */
@Path("/api/v1/invocations")
@Tag(name = "invocations")
public class InvocationEventsResource {

    static final String OUTCOME = "outcome";
    static final String ERROR = "error";
    /** How often a follower of an invocation running elsewhere (asynchronous, or on another replica) looks again. */
    private static final Duration POLL = Duration.ofMillis(500);
    /** How long a follower whose live feed ended waits for the invocation's record, written right after. */
    private static final int RECORD_TRIES = 60;

    private static final Map<String, List<String>> STREAM_HEADERS = Map.of(
            HttpHeaders.CONTENT_TYPE, List.of(MediaType.SERVER_SENT_EVENTS), "Cache-Control", List.of("no-cache"));

    private final InvocationQueries invocations;
    private final InvocationFeeds feeds;
    private final CurrentCaller caller;
    private final ObjectMapper json;

    public InvocationEventsResource(
            InvocationQueries invocations, InvocationFeeds feeds, CurrentCaller caller, ObjectMapper json) {
        this.invocations = invocations;
        this.feeds = feeds;
        this.caller = caller;
        this.json = json;
    }

    @GET
    @Path("/{id}/events")
    @Operation(
            operationId = "followInvocation",
            summary = "Follow an invocation: its progress and log events, then its outcome (server-sent events)",
            description = "Visible to whoever may read the invocation (GET /invocations/{id}); 404 otherwise. While"
                    + " a synchronous run goes on this replica: the events it wrote so far, then each new one as it"
                    + " comes ('progress' {type, progress, total?, message?} and 'log' {type, level, message,"
                    + " logger?}), then 'outcome' with the invocation once it is recorded. For an invocation that"
                    + " ended: its stored events, then 'outcome'. For one running elsewhere (asynchronous, or"
                    + " on another replica): its events as they are stored (an asynchronous run's while it runs, a"
                    + " synchronous one's when it ends), then 'outcome'. The stream then closes. A run that was refused"
                    + " after it was followed (never recorded) ends with 'error' (problem details) instead.")
    @APIResponse(
            responseCode = "200",
            description = "The invocation's events, then its outcome",
            content =
                    @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = String.class)))
    @APIResponse(responseCode = "404", description = "No such invocation, or not the caller's to read")
    public RestMulti<Buffer> follow(@PathParam("id") String id) {
        UUID invocation = Params.uuid("id", id);
        Caller me = caller.get();
        Executor here = onContext(Vertx.currentContext());
        return RestMulti.fromUniResponse(
                events(me, invocation, here), body -> body.map(Buffer::buffer), body -> STREAM_HEADERS, body -> 200);
    }

    private Uni<Multi<String>> events(Caller me, UUID id, Executor here) {
        Optional<InvocationFeeds.Feed> live = feeds.find(id);
        if (live.isPresent() && (me.isAdmin() || live.get().subject().equals(me.subject()))) {
            Multi<String> running =
                    live.get().follow().map(event -> event(event.path("type").asText(), event));
            return Uni.createFrom()
                    .item(Multi.createBy()
                            .concatenating()
                            .streams(running, recorded(me, id, here).toMulti()));
        }
        return invocations.get(me, id).map(view -> {
            if (!"PENDING".equals(view.status())) {
                return ended(view);
            }
            return storedUntilEnded(me, id, here, view);
        });
    }

    /** The stored events of an invocation that ended, then its outcome. */
    private Multi<String> ended(InvocationView view) {
        List<JsonNode> stored = view.events() == null ? List.of() : view.events();
        return Multi.createBy()
                .concatenating()
                .streams(
                        Multi.createFrom()
                                .iterable(stored)
                                .map(event -> event(event.path("type").asText(), event)),
                        Multi.createFrom().item(event(OUTCOME, json.valueToTree(view))));
    }

    /** The outcome of an invocation whose live feed just ended: its record is being written. */
    private Uni<String> recorded(Caller me, UUID id, Executor here) {
        return Uni.createFrom()
                .deferred(() -> invocations.get(me, id))
                .runSubscriptionOn(here)
                .onFailure(failure ->
                        failure instanceof ProblemException problem && problem.type() == ProblemType.NOT_FOUND)
                .retry()
                .withBackOff(Duration.ofMillis(50), POLL)
                .atMost(RECORD_TRIES)
                .map(view -> event(OUTCOME, json.valueToTree(view)))
                // A run the sandbox refused (busy, still running under the same key) is never recorded:
                // the stream still ends with one final event.
                .onFailure()
                .recoverWithItem(failure -> event(
                        ERROR,
                        json.valueToTree(new ProblemException(
                                        ProblemType.NOT_FOUND,
                                        "invocation " + id + " has no outcome: the run was refused before it"
                                                + " started (its caller got the refusal)")
                                .toProblem())));
    }

    /**
     * An invocation running elsewhere (asynchronous, or synchronous on another replica): the events
     * stored so far, then, looking again every {@link #POLL}, those stored since (an asynchronous
     * run's lines are stored as the sandbox sends them), and its outcome once it ended.
     */
    private Multi<String> storedUntilEnded(Caller me, UUID id, Executor here, InvocationView first) {
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean ended = new AtomicBoolean();
        Multi<InvocationView> later = Multi.createBy()
                .repeating()
                .uni(() ->
                        Uni.createFrom().deferred(() -> invocations.get(me, id)).runSubscriptionOn(here))
                .withDelay(POLL)
                .indefinitely();
        return Multi.createBy()
                .concatenating()
                .streams(Multi.createFrom().item(first), later)
                // The look after the one that found it ended is not answered: the stream completes.
                .select()
                .first(view -> !ended.get())
                .onItem()
                .transformToIterable(view -> {
                    List<JsonNode> stored = view.events() == null ? List.of() : view.events();
                    List<String> out = new ArrayList<>();
                    for (int i = sent.get(); i < stored.size(); i++) {
                        out.add(event(stored.get(i).path("type").asText(), stored.get(i)));
                    }
                    sent.set(Math.max(sent.get(), stored.size()));
                    if (!"PENDING".equals(view.status())) {
                        out.add(event(OUTCOME, json.valueToTree(view)));
                        ended.set(true);
                    }
                    return out;
                });
    }

    private static String event(String name, JsonNode data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    /** Database work must run on the request's Vert.x context, where its reactive session lives. */
    private static Executor onContext(Context context) {
        return context == null ? Runnable::run : command -> context.runOnContext(ignored -> command.run());
    }
}
