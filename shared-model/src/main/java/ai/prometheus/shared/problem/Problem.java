package ai.prometheus.shared.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem details body. Every error any service returns has this shape and the media
 * type {@value #MEDIA_TYPE}.
 *
 * @param type a URN naming the kind of problem, stable for clients to switch on
 * @param title a short summary of the kind of problem
 * @param status the HTTP status
 * @param detail what went wrong this time, in words a caller can act on
 * @param instance the request path
 * @param traceId the trace id of the request, to find it in logs and traces
 * @param errors for validation problems: each offending field and why
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        String traceId,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** One invalid field: a JSON path such as {@code limits.memoryMb} and the reason. */
    public record FieldError(String field, String reason) {}

    public Problem withRequest(String instance, String traceId) {
        return new Problem(type, title, status, detail, instance, traceId, errors);
    }
}
