package ai.prometheus.guardian.intake;

import ai.prometheus.guardian.error.ErrorLogRepository;
import ai.prometheus.guardian.error.ErrorLogView;
import ai.prometheus.shared.event.ErrorReported;
import ai.prometheus.shared.platform.config.SuiteConfig;
import ai.prometheus.shared.platform.security.CurrentCaller;
import ai.prometheus.shared.platform.web.PageRequest;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.platform.web.Params;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.PrincipalKind;
import ai.prometheus.shared.security.RequiresPermission;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/errors")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "errors")
public class ErrorLogResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    private final ErrorLogRepository errors;
    private final ErrorIntake intake;
    private final ErrorValidation validation;
    private final IntakeLimiter limiter;
    private final CurrentCaller caller;
    private final Set<String> suiteServices;

    public ErrorLogResource(
            ErrorLogRepository errors,
            ErrorIntake intake,
            ErrorValidation validation,
            IntakeLimiter limiter,
            CurrentCaller caller,
            SuiteConfig suite) {
        this.suiteServices = Set.copyOf(suite.services());
        this.errors = errors;
        this.intake = intake;
        this.validation = validation;
        this.limiter = limiter;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresPermission("errors:write")
    @Operation(
            operationId = "reportError",
            summary = "Report an error",
            description =
                    "For clients outside the suite. The answer comes after the"
                            + " error is committed. A retry with the same Idempotency-Key header (or body eventId) from the same caller"
                            + " is answered 200 with the first report and stores nothing. A caller reporting faster than its rate is"
                            + " answered 429 with Retry-After. The service named is checked against the caller: a service token reports"
                            + " only its own errors, and only a suite service's own token reports that service's errors. Other callers'"
                            + " reports are stored with reportedBy and trusted=false, and remediation rules do not act on them.")
    @APIResponse(
            responseCode = "201",
            description = "Stored",
            content = @Content(schema = @Schema(implementation = ReportAccepted.class)))
    @APIResponse(
            responseCode = "200",
            description = "Already stored under this key",
            content = @Content(schema = @Schema(implementation = ReportAccepted.class)))
    @APIResponse(responseCode = "400", description = "A field is missing, malformed or too long")
    @APIResponse(responseCode = "403", description = "The caller may not report errors of the service it names")
    @APIResponse(responseCode = "429", description = "Too many reports; retry after the Retry-After seconds")
    public Uni<Response> report(@HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, ErrorReport report) {
        Caller who = caller.get();
        return Uni.createFrom()
                .voidItem()
                .chain(() -> {
                    IntakeLimiter.Permit permit = limiter.admit(who.subject());
                    Uni<ReportAccepted> stored;
                    try {
                        String eventId = "http:" + who.subject() + ":" + keyOf(idempotencyKey, report);
                        ErrorReported error = checked(report);
                        stored = intake.accept(eventId, error, originOf(who, error.service()))
                                .map(result -> new ReportAccepted(
                                        result.errorId(), result.groupId(), eventId, result.duplicate()));
                    } catch (RuntimeException e) {
                        permit.release();
                        throw e;
                    }
                    return stored.eventually(permit::release);
                })
                .map(accepted -> accepted.duplicate()
                        ? Response.ok(accepted).build()
                        : Response.created(URI.create("/api/v1/errors/" + accepted.id()))
                                .entity(accepted)
                                .build());
    }

    private ErrorReported checked(ErrorReport report) {
        if (report == null) {
            throw ProblemException.invalidField("body", "an error report is required");
        }
        List<FieldError> problems = validation.problems(
                report.service(),
                report.errorType(),
                report.errorMessage(),
                report.stackTrace(),
                report.traceId(),
                report.attributes());
        if (!problems.isEmpty()) {
            throw ProblemException.invalid(problems);
        }
        return report.toEvent();
    }

    /**
     * Whether the caller may speak for the service it names. Rules act on what a service reports,
     * so anyone holding errors:write could otherwise disable a tool by reporting it as failing in
     * the registry's name.
     */
    private ErrorIntake.Origin originOf(Caller who, String service) {
        if (who.kind() == PrincipalKind.SERVICE) {
            if (!service.equals(who.subject())) {
                throw forbiddenService(
                        "a service token reports only its own errors: the service must be '" + who.subject() + "'");
            }
            return new ErrorIntake.Origin(who.subject(), true);
        }
        if (suiteServices.contains(service)) {
            throw forbiddenService("'" + service + "' is a service of the suite; only its own service token may report"
                    + " its errors");
        }
        return new ErrorIntake.Origin(who.subject(), false);
    }

    private static ProblemException forbiddenService(String reason) {
        return new ProblemException(
                ProblemType.FORBIDDEN, "service: " + reason, List.of(new FieldError("service", reason)), Map.of());
    }

    private static String keyOf(String header, ErrorReport report) {
        if (header != null) {
            if (!KEY.matcher(header).matches()) {
                throw ProblemException.invalidField(IDEMPOTENCY_KEY, "must be 1 to 200 visible ASCII characters");
            }
            return header;
        }
        if (report != null && report.eventId() != null) {
            if (!KEY.matcher(report.eventId()).matches()) {
                throw ProblemException.invalidField("eventId", "must be 1 to 200 visible ASCII characters");
            }
            return report.eventId();
        }
        return UUID.randomUUID().toString();
    }

    @GET
    @RequiresPermission("errors:read")
    @WithSession
    @Operation(
            operationId = "listErrors",
            summary = "List errors, newest first",
            description = "Timestamps are RFC 3339; page counts from 0.")
    public Uni<PageResult<ErrorLogView>> list(
            @QueryParam("service") String service,
            @QueryParam("errorType") String errorType,
            @QueryParam("traceId") String traceId,
            @QueryParam("since") String since,
            @QueryParam("until") String until,
            @QueryParam("fixApplied") Boolean fixApplied,
            @QueryParam("groupId") String groupId,
            @QueryParam("page") Integer page,
            @QueryParam("size") Integer size) {
        PageRequest paging = PageRequest.of(page, size);
        var filter = new ErrorLogRepository.ErrorLogFilter(
                service,
                errorType,
                traceId,
                Params.timestamp("since", since),
                Params.timestamp("until", until),
                fixApplied,
                Params.uuid("groupId", groupId));
        // One row more than asked tells whether another page follows.
        return errors.search(filter, paging.offset(), paging.rows())
                .map(found -> paging.answer(found, ErrorLogView::of));
    }

    @GET
    @Path("/{id}")
    @RequiresPermission("errors:read")
    @WithSession
    @Operation(operationId = "getError", summary = "One error with its stack trace and attributes")
    public Uni<ErrorLogView> get(@PathParam("id") String id) {
        return errors.findById(Params.uuid("id", id))
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("error", id))
                .map(ErrorLogView::of);
    }
}
