package ai.prometheus.shared.problem;

/** The kinds of problem the suite answers with; {@code type} URNs clients can rely on. */
public enum ProblemType {
    VALIDATION(400, "Invalid request"),
    MALFORMED_JSON(400, "Malformed JSON"),
    UNAUTHORIZED(401, "Authentication required"),
    FORBIDDEN(403, "Permission denied"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    CONFLICT(409, "Conflict"),
    GONE(410, "Gone"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    URI_TOO_LONG(414, "URI too long"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    UNPROCESSABLE(422, "Unprocessable request"),
    TOO_MANY_REQUESTS(429, "Too many requests"),
    REQUEST_HEADER_FIELDS_TOO_LARGE(431, "Request header fields too large"),
    INTERNAL(500, "Internal error"),
    BAD_GATEWAY(502, "Upstream service failed"),
    UNAVAILABLE(503, "Service unavailable"),
    GATEWAY_TIMEOUT(504, "Upstream service timed out");

    public static final String URN_PREFIX = "urn:prometheus:problem:";

    private final int status;
    private final String title;

    ProblemType(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String uri() {
        return URN_PREFIX + name().toLowerCase().replace('_', '-');
    }

    public static ProblemType forStatus(int status) {
        for (ProblemType type : values()) {
            if (type.status == status) {
                return type;
            }
        }
        return status >= 500 ? INTERNAL : VALIDATION;
    }
}
