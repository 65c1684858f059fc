package ai.prometheus.shared.web;

import ai.prometheus.shared.problem.Problem;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemResponses;
import io.netty.handler.codec.http.QueryStringDecoder;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses path and query parameters that are not valid percent-encoding, or that decode to text
 * PostgreSQL cannot store ({@link StorableText}), with a 400 naming the parameter, before any
 * resource, permission check or audit writes them anywhere. It runs ahead of authentication: the
 * request is malformed whoever sends it.
 */
public class StorableParameters {

    private final ProblemResponses responses;

    public StorableParameters(ProblemResponses responses) {
        this.responses = responses;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 100)
    public Response refuseUnstorable(ContainerRequestContext request) {
        UriInfo uri = request.getUriInfo();
        Problem.FieldError refused = firstRefused(uri.getPathParameters(false));
        if (refused == null) {
            refused = firstRefused(uri.getQueryParameters(false));
        }
        if (refused == null) {
            // Segments no template names (an unmatched path) would still reach logs and 404 details.
            for (PathSegment segment : uri.getPathSegments(false)) {
                refused = refusal("path", segment.getPath());
                if (refused != null) {
                    break;
                }
            }
        }
        if (refused == null) {
            return null;
        }
        return responses.of(ProblemException.invalid(List.of(refused)).toProblem(),
                "/" + StorableText.sanitize(safeDecode(uri.getPath(false))).replaceFirst("^/", ""), Map.of());
    }

    private static Problem.FieldError firstRefused(MultivaluedMap<String, String> encoded) {
        for (Map.Entry<String, List<String>> parameter : encoded.entrySet()) {
            Problem.FieldError refused = refusal("parameter name", parameter.getKey());
            if (refused != null) {
                return new Problem.FieldError(StorableText.sanitize(safeDecode(parameter.getKey())),
                        "the parameter name " + refused.reason());
            }
            String name = QueryStringDecoder.decodeComponent(parameter.getKey(), StandardCharsets.UTF_8);
            for (String value : parameter.getValue()) {
                refused = refusal(name, value);
                if (refused != null) {
                    return refused;
                }
            }
        }
        return null;
    }

    /** Why the still percent-encoded {@code value} of {@code field} is refused, or null. */
    static Problem.FieldError refusal(String field, String encodedValue) {
        String decoded;
        try {
            decoded = QueryStringDecoder.decodeComponent(encodedValue, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Problem.FieldError(field, "is not valid percent-encoding (a % must be followed by two hex digits)");
        }
        String reason = StorableText.problem(decoded);
        return reason == null ? null : new Problem.FieldError(field, reason);
    }

    private static String safeDecode(String encoded) {
        try {
            return QueryStringDecoder.decodeComponent(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return encoded;
        }
    }
}
