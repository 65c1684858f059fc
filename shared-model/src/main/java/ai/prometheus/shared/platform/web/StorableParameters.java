package ai.prometheus.shared.platform.web;

import ai.prometheus.shared.platform.problem.ProblemResponses;
import ai.prometheus.shared.problem.Problem;
import ai.prometheus.shared.problem.ProblemException;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses path and query parameters that are not valid percent-encoding, or that decode to text
 * PostgreSQL cannot store ({@link StorableText}), with a 400 naming the parameter, before any
 * resource, permission check or audit writes them anywhere. It runs ahead of authentication: the
 * request is malformed whoever sends it. The raw query comes from Vert.x, because JAX-RS here
 * offers no encoded view of the parameters.
 */
public class StorableParameters {

    private final ProblemResponses responses;

    public StorableParameters(ProblemResponses responses) {
        this.responses = responses;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 100)
    public Response refuseUnstorable(ContainerRequestContext request, HttpServerRequest http) {
        Problem.FieldError refused = null;
        // Decoded path parameters, to name the one at fault.
        for (Map.Entry<String, List<String>> parameter :
                request.getUriInfo().getPathParameters().entrySet()) {
            for (String value : parameter.getValue()) {
                String reason = StorableText.problem(value);
                if (reason != null && refused == null) {
                    refused = new Problem.FieldError(parameter.getKey(), reason);
                }
            }
        }
        if (refused == null) {
            refused = firstRefusedQueryParameter(http.query());
        }
        if (refused == null) {
            // Segments no template names would still reach logs and 404 details.
            for (String segment : http.path().split("/")) {
                refused = refusal("path", segment);
                if (refused != null) {
                    break;
                }
            }
        }
        if (refused == null) {
            return null;
        }
        return responses.of(
                ProblemException.invalid(List.of(refused)).toProblem(),
                StorableText.sanitize(safeDecode(http.path())),
                Map.of());
    }

    /** The raw query string, pair by pair: names and values must decode, and to storable text. */
    static Problem.FieldError firstRefusedQueryParameter(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String encodedName = equals < 0 ? pair : pair.substring(0, equals);
            Problem.FieldError refused = refusal("parameter name", encodedName);
            if (refused != null) {
                return new Problem.FieldError(
                        StorableText.sanitize(safeDecode(encodedName)), "the parameter name " + refused.reason());
            }
            if (equals >= 0) {
                refused = refusal(safeDecode(encodedName), pair.substring(equals + 1));
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
            return new Problem.FieldError(
                    field, "is not valid percent-encoding (a % must be followed by two hex digits)");
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
