package ai.prometheus.shared.problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Thrown (or returned as a failed Uni) by service code to answer with a specific problem. The
 * shared mapper turns it into an {@code application/problem+json} response.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final String subtype;
    private final List<Problem.FieldError> errors;
    private final Map<String, String> headers;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, List.of(), Map.of());
    }

    /**
     * A problem of a more specific kind than its status, e.g. {@code tool-disabled} under 409, so
     * clients can tell two conflicts apart by {@code type} ({@code urn:prometheus:problem:tool-disabled}).
     */
    public ProblemException(ProblemType type, String subtype, String detail) {
        this(type, subtype, detail, List.of(), Map.of());
    }

    public ProblemException(
            ProblemType type, String detail, List<Problem.FieldError> errors, Map<String, String> headers) {
        this(type, null, detail, errors, headers);
    }

    public ProblemException(
            ProblemType type,
            String subtype,
            String detail,
            List<Problem.FieldError> errors,
            Map<String, String> headers) {
        super(detail, null, false, false);
        this.type = type;
        this.subtype = subtype;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    /** A 400 naming the offending field and why. */
    public static ProblemException invalidField(String field, String reason) {
        return invalid(List.of(new Problem.FieldError(field, reason)));
    }

    /** A 400 listing every offending field. */
    public static ProblemException invalid(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).reason()
                : errors.size() + " fields are invalid";
        return new ProblemException(ProblemType.VALIDATION, detail, errors, Map.of());
    }

    public static ProblemException notFound(String what, Object id) {
        return new ProblemException(ProblemType.NOT_FOUND, what + " '" + id + "' does not exist");
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(ProblemType.FORBIDDEN, detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(ProblemType.CONFLICT, detail);
    }

    public static ProblemException tooManyRequests(String detail, long retryAfterSeconds) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
        return new ProblemException(ProblemType.TOO_MANY_REQUESTS, detail, List.of(), headers);
    }

    public static ProblemException unavailable(String detail) {
        return new ProblemException(ProblemType.UNAVAILABLE, detail);
    }

    public ProblemType type() {
        return type;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Problem toProblem() {
        String uri = subtype == null ? type.uri() : ProblemType.URN_PREFIX + subtype;
        return new Problem(uri, type.title(), type.status(), getMessage(), null, null, errors);
    }
}
