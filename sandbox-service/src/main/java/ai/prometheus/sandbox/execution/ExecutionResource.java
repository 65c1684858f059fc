package ai.prometheus.sandbox.execution;

import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.security.ServiceIdentity;
import ai.prometheus.shared.platform.web.PageRequest;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.sandbox.ExecutionRequest;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.sandbox.InvocationOutput;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.PrincipalKind;
import ai.prometheus.shared.security.RequiresPermission;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.Locale;
import java.util.function.Consumer;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/executions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "executions")
public class ExecutionResource {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    private static final int MAX_KEY_LENGTH = 255;
    /** Reads every caller's executions; without it a caller sees only its own (ran it, or on its behalf). */
    public static final String READ_ALL = "sandbox:admin";
    /** Runs with a network policy; a caller with sandbox:execute alone gets no network. */
    public static final String NETWORK = "sandbox:network";

    /** One operation in the OpenAPI document (the JSON and the event-stream answers share the path and method). */
    private static final String DESCRIPTION = "Every field but language and code is optional; absent limits take the"
            + " operator's defaults. Answers 201 with the result (whatever the program's status), 400 naming an invalid"
            + " field or a limit above the operator's maximum, 429 with Retry-After when the sandbox is full, 503 when"
            + " it cannot isolate code. With an Idempotency-Key header a repeated request answers 200 with the first"
            + " result and the header Idempotent-Replayed: true. A network policy (network.allow) needs the permission"
            + " sandbox:network (403 otherwise); the run's connections come back as egress.\n\nWith Accept:"
            + " text/event-stream the same request is followed live: after the same checks and refusals (answered as"
            + " problem details before any stream starts), server-sent events 'progress' and 'log' while the program"
            + " runs, one per ::prometheus:: line it writes on stderr (the first 200, messages clipped at 2,000"
            + " characters, secrets redacted; data {type, progress, total?, message?} or {type, level, message,"
            + " logger?}), then exactly one final event: 'result' with the ExecutionResult the JSON call answers (also"
            + " for a replayed Idempotency-Key), or 'error' with problem details (status 409: the request with this"
            + " Idempotency-Key is still running; 422: the key was used for a different request; 5xx: the platform"
            + " failed).";

    private final ExecutionService service;
    private final ExecutionRepository executions;
    private final RequestValidator validator;
    private final CurrentCaller caller;
    private final Admission admission;
    private final ObjectMapper json;
    private final RunCancellations cancellations;

    public ExecutionResource(
            ExecutionService service,
            ExecutionRepository executions,
            RequestValidator validator,
            CurrentCaller caller,
            Admission admission,
            ObjectMapper json,
            RunCancellations cancellations) {
        this.cancellations = cancellations;
        this.admission = admission;
        this.json = json;
        this.service = service;
        this.executions = executions;
        this.validator = validator;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresPermission("sandbox:execute")
    @Operation(
            operationId = "runExecution",
            summary = "Run code and wait for the result, or follow it live",
            description = DESCRIPTION)
    @APIResponse(
            responseCode = "201",
            description = "The finished execution",
            content = @Content(schema = @Schema(implementation = ExecutionResult.class)))
    @APIResponse(
            responseCode = "200",
            description = "The execution first answered for this Idempotency-Key",
            content = @Content(schema = @Schema(implementation = ExecutionResult.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used for a different request")
    @APIResponse(responseCode = "429", description = "Too many runs at once; retry after the Retry-After seconds")
    public Uni<Response> run(
            ExecutionRequest body,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
            @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf,
            UriInfo uri,
            @Context RoutingContext routing) {
        RunRequest request = validated(body);
        String key = key(idempotencyKey);
        return service.execute(
                        request,
                        actor(caller.get(), onBehalfOf),
                        key,
                        null,
                        null,
                        ExecutionService.Live.answered(afterResponse(routing), RequestArrival.of(routing)))
                .map(executed -> created(executed, uri));
    }

    /**
     * Runs work once the response's body has been written: the run's sandbox teardown and its
     * replacement's start, which would otherwise compete with writing it. A body end handler, not
     * an end handler: that one would take the response's close handler, through which quarkus-rest
     * hears a caller go away. A caller gone before the answer leaves the work to the pool's
     * longest wait.
     */
    private static Consumer<Runnable> afterResponse(RoutingContext routing) {
        return work -> routing.addBodyEndHandler(written -> work.run());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RequiresPermission("sandbox:execute")
    // Documented with run() (see DESCRIPTION): the same operation answered as an event stream. Kept
    // out of the document's responses, so generated clients still type the JSON answer as an
    // ExecutionResult rather than a string.
    @Operation(hidden = true)
    public Multi<OutboundSseEvent> stream(
            ExecutionRequest body,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
            @HeaderParam(ServiceIdentity.ON_BEHALF_OF) String onBehalfOf,
            @Context Sse sse,
            @Context RoutingContext routing) {
        RunRequest request = validated(body);
        String key = key(idempotencyKey);
        ExecutionRecords.Actor actor = actor(caller.get(), onBehalfOf);
        if (!service.ready()) {
            throw ExecutionService.unavailable(service.unreadyDetail());
        }
        // Refused now, as problem details: once the stream started its status is 200.
        Admission.Place place = admission.reserve();
        return ExecutionStream.of(
                sse,
                json,
                events -> service.execute(
                        request,
                        actor,
                        key,
                        null,
                        null,
                        new ExecutionService.Live(place, events, afterResponse(routing), RequestArrival.of(routing))),
                place::release);
    }

    private RunRequest validated(ExecutionRequest body) {
        if (body == null) {
            throw ProblemException.invalidField("body", "a JSON object with language and code is required");
        }
        if (body.sessionId() != null) {
            throw ProblemException.invalidField(
                    "sessionId", "run session code with POST /api/v1/sessions/{id}/executions");
        }
        if (NetworkPolicy.grantsAny(body.network()) && !caller.get().has(NETWORK)) {
            throw ProblemException.forbidden("a network policy needs the permission " + NETWORK);
        }
        return validator.validate(
                body.language(), body.code(), body.stdin(), body.limits(), body.network(), body.secrets());
    }

    @GET
    @RequiresPermission("sandbox:read")
    @WithSession
    @Operation(
            operationId = "listExecutions",
            summary = "List executions, newest first",
            description = "The caller's own executions (run by it or on its behalf); every caller's with "
                    + READ_ALL + ". Filters: principal (who ran it or on whose behalf), status, language, since,"
                    + " until (RFC 3339). Items leave out code and output; fetch one execution for those.")
    public Uni<PageResult<ExecutionView>> list(
            @QueryParam("principal") String principal,
            @QueryParam("status") String status,
            @QueryParam("language") String language,
            @QueryParam("since") String since,
            @QueryParam("until") String until,
            @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        PageRequest paging = PageRequest.of(page, size);
        var filter = new ExecutionRepository.ExecutionFilter(
                blankToNull(principal),
                status(status),
                blankToNull(language) == null ? null : language.trim().toLowerCase(Locale.ROOT),
                null,
                Params.timestamp("since", since),
                Params.timestamp("until", until),
                visibleTo(caller.get()));
        return executions
                .search(filter, paging.offset(), paging.rows())
                .map(found -> paging.answer(found, row -> ExecutionRecords.toView(row, false)));
    }

    @GET
    @Path("/{id}")
    @RequiresPermission("sandbox:read")
    @WithSession
    @Operation(
            operationId = "getExecution",
            summary = "One execution with its code and stored output",
            description = "Another caller's execution answers 404, as a missing one does, unless the caller has "
                    + READ_ALL + ".")
    public Uni<ExecutionView> get(@PathParam("id") String id) {
        String owner = visibleTo(caller.get());
        return executions
                .findById(Params.uuid("id", id))
                // 404, not 403: ids of other callers' runs cannot be probed.
                .map(row ->
                        row == null || (owner != null && !owner.equals(row.principal) && !owner.equals(row.onBehalfOf))
                                ? null
                                : row)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("execution", id))
                .map(row -> ExecutionRecords.toView(row, true));
    }

    @GET
    @Path("/invocations/{invocationId}/result")
    @RequiresPermission("sandbox:read")
    @WithSession
    @Operation(
            operationId = "getInvocationResult",
            summary = "The whole result of an asynchronous tool invocation",
            description = "For an invocation whose result event was cut to fit the event budget (its data lists result"
                    + " in truncatedFields): the tool's complete stdout. 404 when the invocation is unknown, not the"
                    + " caller's, or its result travelled whole in its event.")
    public Uni<InvocationOutput> invocationResult(@PathParam("invocationId") String invocationId) {
        String owner = visibleTo(caller.get());
        return executions
                .findByInvocation(Params.uuid("invocationId", invocationId))
                .map(row -> row == null
                                || row.result == null
                                || (owner != null && !owner.equals(row.principal) && !owner.equals(row.onBehalfOf))
                        ? null
                        : row)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("invocation result", invocationId))
                .map(row -> new InvocationOutput(row.invocationId, row.result));
    }

    @POST
    @Path("/invocations/{invocationId}/cancel")
    @RequiresPermission("sandbox:execute")
    @Operation(
            operationId = "cancelInvocationRun",
            summary = "Stop the run of an asynchronous tool invocation",
            description = "Asks whichever replica runs the invocation to kill it; the run then ends CANCELLED and its"
                    + " ToolInvocationFailed event says so (status CANCELLED, not a platform fault). Answers 202 with"
                    + " status CANCELLING while it is being stopped, or with the status the run already ended with"
                    + " (nothing changes then). An invocation not received yet (its request still queued) is held for the"
                    + " caller: when it arrives as theirs it never starts. Repeating it is harmless. 404 when the"
                    + " invocation is not the caller's, or unknown to a caller with " + READ_ALL + ".")
    @APIResponse(
            responseCode = "202",
            description = "The stop was requested, or the run had already ended",
            content = @Content(schema = @Schema(implementation = RunCancellationView.class)))
    public Uni<Response> cancelInvocation(@PathParam("invocationId") String invocationId) {
        return cancellations
                .request(caller.get(), Params.uuid("invocationId", invocationId))
                .map(view -> Response.accepted(view).build());
    }

    /** Whose executions the caller may read: its own subject, or null for everyone's. */
    static String visibleTo(Caller caller) {
        return caller.has(READ_ALL) ? null : caller.subject();
    }

    /**
     * 201 with the execution's location and its stages' Server-Timing, or 200 marked as a replay for
     * a repeated Idempotency-Key.
     */
    public static Response created(ExecutionService.Executed executed, UriInfo uri) {
        ExecutionResult result = executed.result();
        if (executed.replayed()) {
            return Response.ok(result).header(REPLAYED, "true").build();
        }
        return Response.created(uri.getBaseUriBuilder()
                        .path("api/v1/executions")
                        .path(result.id().toString())
                        .build())
                .header(ServerTiming.HEADER, executed.timing().header())
                .entity(result)
                .build();
    }

    /** The end caller counts only when a service of the suite says so; anyone else cannot act for another. */
    public static ExecutionRecords.Actor actor(Caller caller, String onBehalfOf) {
        String behalf = caller.kind() == PrincipalKind.SERVICE ? blankToNull(onBehalfOf) : null;
        if (behalf != null && behalf.length() > MAX_KEY_LENGTH) {
            throw ProblemException.invalidField(
                    ServiceIdentity.ON_BEHALF_OF, "must be at most " + MAX_KEY_LENGTH + " characters");
        }
        return new ExecutionRecords.Actor(caller.subject(), behalf);
    }

    public static String key(String idempotencyKey) {
        String key = blankToNull(idempotencyKey);
        if (key != null && key.length() > MAX_KEY_LENGTH) {
            throw ProblemException.invalidField(IDEMPOTENCY_KEY, "must be at most " + MAX_KEY_LENGTH + " characters");
        }
        return key;
    }

    private static String status(String status) {
        String value = blankToNull(status);
        if (value == null) {
            return null;
        }
        String upper = value.toUpperCase(Locale.ROOT);
        if (!upper.equals(Execution.RUNNING)) {
            try {
                ai.prometheus.shared.sandbox.ExecutionStatus.valueOf(upper);
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalidField(
                        "status",
                        "must be RUNNING or one of "
                                + java.util.Arrays.toString(ai.prometheus.shared.sandbox.ExecutionStatus.values()));
            }
        }
        return upper;
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
