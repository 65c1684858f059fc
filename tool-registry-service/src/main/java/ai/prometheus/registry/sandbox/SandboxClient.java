package ai.prometheus.registry.sandbox;

import ai.prometheus.shared.platform.security.ServiceIdentity;
import ai.prometheus.shared.sandbox.ExecutionRequest;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.sandbox.InvocationOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The registry's door to the sandbox. It authenticates as the registry itself, names the end
 * caller in {@code X-On-Behalf-Of} for the sandbox's records, and sends the invocation id as the
 * idempotency key, which makes retrying a run safe: the sandbox answers a repeated key with the
 * first result instead of running twice. Transient failures are retried; repeated failures open
 * a circuit so callers get a fast 503 instead of piling up on a dead sandbox. A run's {@link RunStop}
 * closes its request when the registry's own caller goes away: the sandbox then kills the run.
 */
@ApplicationScoped
public class SandboxClient {

    /** How soon a caller should repeat an invocation whose earlier attempt is still running. */
    static final long IN_PROGRESS_RETRY_SECONDS = 2;
    /** Tries on a refused connection, enough to go round a replica list whose other members may be down too. */
    static final int REFUSED_RETRIES = 3;

    static final String PROGRESS = "progress";
    static final String LOG = "log";
    static final String RESULT = "result";
    static final String ERROR = "error";

    static final Duration OUTPUT_TIMEOUT = Duration.ofSeconds(30);
    /** A cancellation is a small write in the sandbox; its caller waits for it, so not long. */
    static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(5);

    static final int OUTPUT_RETRIES = 8;

    private final SandboxApi api;
    private final SandboxEventStream stream;
    private final ServiceIdentity identity;
    private final ObjectMapper json;

    public SandboxClient(
            @RestClient SandboxApi api, SandboxEventStream stream, ServiceIdentity identity, ObjectMapper json) {
        this.api = api;
        this.stream = stream;
        this.identity = identity;
        this.json = json;
    }

    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = SandboxFailure.Transient.class)
    @CircuitBreaker(
            requestVolumeThreshold = 10,
            failureRatio = 0.5,
            delay = 5_000,
            successThreshold = 2,
            failOn = {SandboxFailure.Transient.class, SandboxFailure.Timeout.class})
    public Uni<ExecutionResult> execute(
            ExecutionRequest request, String onBehalfOf, String idempotencyKey, Duration timeout, RunStop stop) {
        byte[] body = body(request);
        return stop.around(guarded(
                Uni.createFrom()
                        .deferred(() ->
                                api.execute("Bearer " + identity.bearerToken(), onBehalfOf, idempotencyKey, body)),
                timeout));
    }

    /**
     * Asks the sandbox, as the registry itself, to stop the run of an asynchronous invocation;
     * repeating it is harmless (one still queued is held there and never starts). Its failures
     * are those of {@link #execute}, translated by the same guard.
     */
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = SandboxFailure.Transient.class)
    public Uni<RunCancellation> cancelInvocation(UUID invocationId) {
        return guarded(
                Uni.createFrom().deferred(() -> api.cancelInvocation("Bearer " + identity.bearerToken(), invocationId)),
                CANCEL_TIMEOUT);
    }

    /**
     * A call to the sandbox with its refused-connection retries, its deadline and its failures
     * translated. A refused connection never reached a sandbox: with replicas (a stork:// URL) the
     * next try goes to the next address at once, and the breaker only hears of it when every
     * replica refused.
     */
    private <T> Uni<T> guarded(Uni<T> call, Duration timeout) {
        return call.onFailure(SandboxClient::refused)
                .retry()
                .withBackOff(Duration.ofMillis(20))
                .atMost(REFUSED_RETRIES)
                .ifNoItem()
                .after(timeout)
                .failWith(() -> new TimeoutException())
                .onFailure()
                .transform(this::translate);
    }

    /**
     * The same run followed live ({@code POST /executions} answering server-sent events): each
     * progress or log event the tool writes goes to {@code events} as it arrives (on an I/O thread;
     * the consumer must not block), and the result ends it. Read by {@link SandboxEventStream}, on
     * keep-alive connections reused from run to run. Failures, retries and the circuit are
     * those of {@link #execute}: an {@code error} event carries the problem the plain call would
     * have answered with its status.
     */
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = SandboxFailure.Transient.class)
    @CircuitBreaker(
            requestVolumeThreshold = 10,
            failureRatio = 0.5,
            delay = 5_000,
            successThreshold = 2,
            failOn = {SandboxFailure.Transient.class, SandboxFailure.Timeout.class})
    public Uni<ExecutionResult> stream(
            ExecutionRequest request,
            String onBehalfOf,
            String idempotencyKey,
            Duration timeout,
            Consumer<JsonNode> events,
            RunStop stop) {
        byte[] body = body(request);
        return stop.around(guarded(
                Uni.createFrom()
                        .deferred(() -> stream.follow(
                                "Bearer " + identity.bearerToken(),
                                onBehalfOf,
                                idempotencyKey,
                                body,
                                event -> forward(event, events)))
                        .map(this::ending),
                timeout));
    }

    /** The request as the JSON the sandbox reads, written once per run (retries send the same bytes). */
    byte[] body(ExecutionRequest request) {
        try {
            return json.writeValueAsBytes(request);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the run request cannot be written as JSON", e);
        }
    }

    private void forward(ServerSentEvents.Event event, Consumer<JsonNode> events) {
        if (!PROGRESS.equals(event.name()) && !LOG.equals(event.name())) {
            return;
        }
        try {
            events.accept(json.readTree(event.data()));
        } catch (java.io.IOException | RuntimeException e) {
            // One unreadable or unforwardable event must not cost the run its result.
        }
    }

    /** The final event: the result, or the problem the sandbox answered once the run was accepted. */
    private ExecutionResult ending(ServerSentEvents.Event event) {
        if (event == null) {
            throw new SandboxFailure.Transient(
                    SandboxFailure.Kind.FAILED, "the sandbox's event stream ended without a result", 1, null);
        }
        try {
            if (RESULT.equals(event.name())) {
                return json.readValue(event.data(), ExecutionResult.class);
            }
            JsonNode problem = json.readTree(event.data());
            throw SandboxFailure.answered(
                    problem.path("status").asInt(500),
                    null,
                    problem.path("detail").asText("HTTP error"),
                    null);
        } catch (java.io.IOException e) {
            throw new SandboxFailure.Transient(
                    SandboxFailure.Kind.FAILED, "the sandbox sent an unreadable final event", 1, e);
        }
    }

    /**
     * The whole stdout of an asynchronous invocation whose result event carried only its start,
     * fetched as the registry itself. Failures other than a refusal (4xx) are retried: the result
     * is stored in the sandbox's database, so any replica can answer once one is up again.
     */
    public Uni<String> invocationOutput(UUID invocationId) {
        return Uni.createFrom()
                .deferred(() -> api.invocationResult("Bearer " + identity.bearerToken(), invocationId))
                .ifNoItem()
                .after(OUTPUT_TIMEOUT)
                .fail()
                .onFailure(error -> !(error instanceof WebApplicationException web)
                        || web.getResponse().getStatus() >= 500)
                .retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5))
                .atMost(OUTPUT_RETRIES)
                .map(InvocationOutput::stdout);
    }

    static boolean refused(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** Turns transport and HTTP failures into the {@link SandboxFailure} the policies above act on. */
    private Throwable translate(Throwable error) {
        if (error instanceof SandboxFailure) {
            return error;
        }
        if (error instanceof TimeoutException) {
            return new SandboxFailure.Timeout("the sandbox did not answer in time", error);
        }
        if (error instanceof WebApplicationException web) {
            Response response = web.getResponse();
            int status = response.getStatus();
            return SandboxFailure.answered(
                    status,
                    response.getHeaderString("Retry-After"),
                    status >= 400 && status < 500 && status != 409 && status != 429 ? detailOf(response) : null,
                    error);
        }
        if (error instanceof ProcessingException
                || error instanceof java.net.ConnectException
                || error.getCause() instanceof java.net.ConnectException) {
            return new SandboxFailure.Transient(
                    SandboxFailure.Kind.UNAVAILABLE, "the sandbox is unreachable", 1, error);
        }
        return new SandboxFailure.Transient(SandboxFailure.Kind.FAILED, "the call to the sandbox failed", 1, error);
    }

    private String detailOf(Response response) {
        try {
            String body = response.readEntity(String.class);
            JsonNode problem = json.readTree(body);
            return problem.path("detail").asText(body);
        } catch (RuntimeException | java.io.IOException e) {
            return "HTTP " + response.getStatus();
        }
    }
}
