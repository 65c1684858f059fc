package ai.prometheus.shared.platform.web;

import ai.prometheus.shared.platform.problem.ProblemResponses;
import ai.prometheus.shared.problem.Problem;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers requests over the HTTP limits with problem details instead of the empty bodies Vert.x
 * writes: a URI longer than {@code prometheus.http.max-uri-length} is a 414, headers larger than
 * {@code prometheus.http.max-header-bytes} a 431, a declared body larger than
 * {@code quarkus.http.limits.max-body-size} a 413 (a JSON body: larger than
 * {@code prometheus.http.max-json-body-size}, when a service sets it below the upload limit),
 * whether its length is declared or (chunked) found while reading.
 *
 * <p>Vert.x answers requests its decoder refuses before any route runs, and Quarkus offers no hook
 * there; so the decoder's own limits are set far above these (1 MiB, in the shared
 * {@code microprofile-config.properties}) and these smaller limits are enforced by the first route
 * of the router. Only a request beyond the decoder's limits still gets Vert.x's bare answer.
 * The same route refuses a query parameter that is not valid percent-encoding or decodes to text
 * PostgreSQL cannot store, and a path with a broken escape, with a 400 naming it
 * ({@link StorableParameters} names path parameters once JAX-RS has matched the path), and a URI
 * {@code java.net.URI} cannot parse, the check Quarkus itself would answer with an empty 400
 * ({@link UriValidationHandover} hands it over).
 */
@ApplicationScoped
public class RequestLimits {

    private final ProblemResponses responses;
    private final int maxUriLength;
    private final int maxHeaderBytes;
    private final long maxBodyBytes;
    private final long maxJsonBodyBytes;
    /** Reads a chunked body (no declared length) up to the limit, failing with 413 past it. */
    private final BodyHandler chunkedBodies;

    public RequestLimits(
            ProblemResponses responses,
            @ConfigProperty(name = "prometheus.http.max-uri-length", defaultValue = "8192") int maxUriLength,
            @ConfigProperty(name = "prometheus.http.max-header-bytes", defaultValue = "20480") int maxHeaderBytes,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBody,
            @ConfigProperty(name = "prometheus.http.max-json-body-size") java.util.Optional<MemorySize> maxJsonBody) {
        this.responses = responses;
        this.maxUriLength = maxUriLength;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxBodyBytes = maxBody.asLongValue();
        this.maxJsonBodyBytes =
                Math.min(maxBodyBytes, maxJsonBody.map(MemorySize::asLongValue).orElse(maxBodyBytes));
        this.chunkedBodies = BodyHandler.create(false).setBodyLimit(maxJsonBodyBytes);
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check).failureHandler(this::failed);
    }

    /**
     * A request Vert.x itself failed with a 4xx before any resource ran (a query it could not
     * decode, a body over the limit while reading): answer problem details instead of an empty
     * body. Server errors are left to the application's handler.
     */
    void failed(RoutingContext context) {
        int status = context.failure() instanceof HttpException http ? http.getStatusCode() : context.statusCode();
        if (context.response().ended() || context.response().headWritten() || status < 400 || status >= 500) {
            context.next();
            return;
        }
        HttpServerRequest request = context.request();
        Problem.FieldError refused =
                status == 400 ? StorableParameters.firstRefusedQueryParameter(request.query()) : null;
        Problem problem = refused != null
                ? ProblemException.invalid(List.of(refused)).toProblem()
                : new Problem(
                        ProblemType.forStatus(status).uri(),
                        ProblemType.forStatus(status).title(),
                        status,
                        "the request could not be read",
                        null,
                        null,
                        null);
        if (status == 413) {
            // The rest of the body is not read: close the connection once answered.
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        context.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(responses.body(problem, StorableText.sanitize(request.path())))
                .onComplete(answered -> {
                    if (status == 413) {
                        request.connection().close();
                    }
                });
    }

    void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.uri().length() > maxUriLength) {
            refuse(
                    context,
                    ProblemType.URI_TOO_LONG,
                    "the request URI is longer than " + maxUriLength + " characters",
                    "/");
            return;
        }
        long headerBytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > maxHeaderBytes) {
            refuse(
                    context,
                    ProblemType.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "the request headers are larger than " + maxHeaderBytes + " bytes",
                    request.path());
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean json = isJson(request.getHeader(HttpHeaders.CONTENT_TYPE));
        long maxBytes = json ? maxJsonBodyBytes : maxBodyBytes;
        if (length != null && declaredLength(length) > maxBytes) {
            refuse(
                    context,
                    ProblemType.PAYLOAD_TOO_LARGE,
                    "the request body is larger than " + maxBytes + " bytes",
                    request.path());
            return;
        }
        // Before anything decodes the URI (JAX-RS matching would fail on a broken escape): the
        // query must decode to storable text, the path at least decode.
        Problem.FieldError refused = StorableParameters.firstRefusedQueryParameter(request.query());
        if (refused == null) {
            for (String segment : request.path().split("/")) {
                Problem.FieldError broken = StorableParameters.refusal("path", segment);
                if (broken != null && broken.reason().contains("percent-encoding")) {
                    refused = broken;
                    break;
                }
            }
        }
        if (refused == null) {
            refused = unparsableUri(request.uri());
        }
        if (refused != null) {
            Problem problem = ProblemException.invalid(List.of(refused)).toProblem();
            context.response()
                    .setStatusCode(400)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(responses.body(problem, StorableText.sanitize(request.path())));
            return;
        }
        if (length == null
                && json
                && request.headers().contains(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED, true)) {
            // A body without a declared length is only known too large while it is read; the REST
            // layer would then answer a bare 413. Read a JSON one here, within the limit (the REST
            // layer then uses what was read), so going over it is a failure the problem handler
            // above answers. Streamed uploads (backups, files) are left to their resources.
            chunkedBodies.handle(context);
            return;
        }
        context.next();
    }

    /** The URI as java.net.URI would refuse it (what Quarkus' own check refuses), or null. */
    static Problem.FieldError unparsableUri(String uri) {
        try {
            new URI(uri);
            return null;
        } catch (URISyntaxException e) {
            int query = uri.indexOf('?');
            boolean inQuery = query >= 0 && e.getIndex() > query;
            return new Problem.FieldError(inQuery ? "query" : "path", "is not a valid URI: " + e.getReason());
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || type.endsWith("+json");
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void refuse(RoutingContext context, ProblemType type, String detail, String path) {
        Problem problem = new Problem(type.uri(), type.title(), type.status(), detail, null, null, null);
        // The rest of an oversized request is not read: close the connection once answered.
        context.response()
                .setStatusCode(type.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(responses.body(problem, path))
                .onComplete(answered -> context.request().connection().close());
    }
}
