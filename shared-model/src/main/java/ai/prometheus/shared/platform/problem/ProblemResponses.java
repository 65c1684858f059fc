package ai.prometheus.shared.platform.problem;

import ai.prometheus.shared.platform.tracing.TraceContext;
import ai.prometheus.shared.problem.Problem;
import ai.prometheus.shared.problem.ProblemType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Turns a {@link Problem} into an {@code application/problem+json} response, the same way everywhere. */
@ApplicationScoped
public class ProblemResponses {

    private final ObjectMapper mapper;

    public ProblemResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Response of(ProblemType type, String detail, String path) {
        return of(new Problem(type.uri(), type.title(), type.status(), detail, null, null, null), path, Map.of());
    }

    public Response of(Problem problem, String path, Map<String, String> headers) {
        Problem full = problem.withRequest(path, TraceContext.currentTraceId());
        Response.ResponseBuilder response =
                Response.status(full.status()).type(Problem.MEDIA_TYPE).entity(write(full));
        headers.forEach(response::header);
        if (full.status() == 401) {
            response.header("WWW-Authenticate", "Bearer");
        }
        return response.build();
    }

    /** The JSON body of {@code problem} for {@code path}, for answers written outside JAX-RS (Vert.x routes). */
    public String body(Problem problem, String path) {
        return write(problem.withRequest(path, TraceContext.currentTraceId()));
    }

    // Written here rather than by the JAX-RS writer, so the body never depends on which writer
    // claims application/problem+json.
    private String write(Problem problem) {
        try {
            return mapper.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            return "{\"title\":\"" + problem.title() + "\",\"status\":" + problem.status() + "}";
        }
    }
}
