package ai.prometheus.shared.platform.problem.mapping;

import ai.prometheus.shared.platform.error.ErrorReporter;
import ai.prometheus.shared.platform.postgres.DatabaseOutage;
import ai.prometheus.shared.platform.problem.ProblemResponses;
import ai.prometheus.shared.problem.Problem;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.Uni;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one set of exception mappers of the suite: every error leaves as RFC 9457 problem details.
 * A bad request names each field and the reason; an unexpected failure answers a generic 500 that
 * leaks no class name or stack trace, and is reported to the guardian.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    static final long DATABASE_RETRY_AFTER_SECONDS = 5;

    private final ProblemResponses responses;
    private final ErrorReporter errors;

    public ProblemMappers(ProblemResponses responses, ErrorReporter errors) {
        this.responses = responses;
        this.errors = errors;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return responses.of(e.toProblem(), path(uri), e.headers());
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> fields = new ArrayList<>();
        for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
            fields.add(new Problem.FieldError(fieldOf(violation.getPropertyPath()), violation.getMessage()));
        }
        fields.sort(Comparator.comparing(Problem.FieldError::field));
        return responses.of(ProblemException.invalid(fields).toProblem(), path(uri), Map.of());
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        return json(e, uri);
    }

    /**
     * Every way a JSON body can be wrong: a named field and the reason when one can be named
     * (unknown, duplicate, wrong type, out of range, unstorable text), else where the syntax broke.
     */
    private Response json(JsonProcessingException e, UriInfo uri) {
        Problem.FieldError field = JsonProblems.fieldError(e);
        if (field != null) {
            return responses.of(ProblemException.invalid(List.of(field)).toProblem(), path(uri), Map.of());
        }
        String detail = "the request body is not valid JSON";
        if (e.getLocation() != null) {
            detail += " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
        }
        return responses.of(ProblemType.MALFORMED_JSON, detail, path(uri));
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(UriInfo uri) {
        return responses.of(ProblemType.UNAUTHORIZED, "a valid bearer token is required", path(uri));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return responses.of(ProblemType.FORBIDDEN, "the token does not grant this operation", path(uri));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            // The JSON reader wraps syntax and binding failures in a bare 400.
            return json(json, uri);
        }
        if (status >= 500) {
            return responses.of(ProblemType.forStatus(status), "the service could not complete the request", path(uri));
        }
        if (status == 404 && e.getCause() != null && !(e.getCause() instanceof WebApplicationException)) {
            // JAX-RS answers 404 when a path or query parameter does not convert (page=abc): it is
            // the request that is wrong, so say which parameter and why.
            return responses.of(
                    ProblemException.invalidField(
                                    unconvertibleParameter(uri, e.getCause()),
                                    "has an invalid value: " + e.getCause().getMessage())
                            .toProblem(),
                    path(uri),
                    Map.of());
        }
        ProblemType type = ProblemType.forStatus(status);
        String detail = switch (status) {
            case 404 -> "nothing at " + path(uri);
            case 405 -> "this resource does not support that method";
            case 406 -> "this resource cannot answer in the requested media type";
            case 415 -> "this resource does not accept that content type; send application/json";
            default -> type.title();
        };
        return responses.of(
                new Problem(type.uri(), type.title(), status, detail, null, null, null), path(uri), Map.of());
    }

    @ServerExceptionMapper
    public Uni<Response> unexpected(Throwable e, UriInfo uri) {
        if (DatabaseOutage.test(e)) {
            // Not a fault of this request nor of the code: the same request succeeds once the
            // database is back, so say when to retry instead of reporting an incident.
            LOG.warnf("Database unavailable on %s: %s", path(uri), e);
            return Uni.createFrom()
                    .item(responses.of(
                            ProblemException.unavailable("the service's database is unavailable; retry shortly")
                                    .toProblem(),
                            path(uri),
                            Map.of("Retry-After", Long.toString(DATABASE_RETRY_AFTER_SECONDS))));
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected failure on %s (incident %s)", path(uri), incident);
        return errors.report(e, Map.of("path", path(uri), "incident", incident))
                .replaceWith(() -> responses.of(
                        ProblemType.INTERNAL,
                        "the service failed unexpectedly; the error was reported (incident " + incident + ")",
                        path(uri)));
    }

    /** The parameter whose value the conversion failure quotes; the converters name the value, not the parameter. */
    static String unconvertibleParameter(UriInfo uri, Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        if (uri != null) {
            for (var parameters : List.of(uri.getQueryParameters(), uri.getPathParameters())) {
                for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
                    for (String value : parameter.getValue()) {
                        if (value != null && !value.isEmpty() && message.contains(value)) {
                            return parameter.getKey();
                        }
                    }
                }
            }
        }
        return "parameter";
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }

    /** {@code limits.memoryMb}, {@code tags[2]}: the JSON names of the properties, not the Java method. */
    public static String fieldOf(Path path) {
        StringBuilder field = new StringBuilder();
        String parameter = null;
        for (Path.Node node : path) {
            switch (node.getKind()) {
                case PARAMETER -> parameter = node.getName();
                case PROPERTY, CONTAINER_ELEMENT -> {
                    if (node.getName() != null && !node.getName().startsWith("<")) {
                        if (!field.isEmpty()) {
                            field.append('.');
                        }
                        field.append(node.getName());
                    }
                    if (node.getIndex() != null) {
                        field.append('[').append(node.getIndex()).append(']');
                    } else if (node.getKey() != null) {
                        field.append('[').append(node.getKey()).append(']');
                    }
                }
                default -> {}
            }
        }
        if (!field.isEmpty()) {
            return field.toString();
        }
        return parameter != null ? parameter : "body";
    }

    static String jsonPath(JsonMappingException e) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    /** Says what a field should hold in JSON terms, never in Java class names. */
    static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == Integer.class
                || type == int.class
                || type == Long.class
                || type == long.class
                || type == Short.class
                || type == short.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                names.add(constant.toString());
            }
            return "one of " + names;
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 date-time";
        }
        return "an object";
    }
}
