package ai.prometheus.registry.invocation;

import ai.prometheus.registry.audit.AuditTrail;
import ai.prometheus.registry.config.RegistryConfig;
import ai.prometheus.registry.quota.QuotaService;
import ai.prometheus.registry.sandbox.RunStop;
import ai.prometheus.registry.sandbox.SandboxClient;
import ai.prometheus.registry.sandbox.SandboxFailure;
import ai.prometheus.registry.tool.ToolVersion;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.outbox.Outbox;
import ai.prometheus.shared.platform.postgres.SqlPart;
import ai.prometheus.shared.platform.postgres.UniqueViolations;
import ai.prometheus.shared.platform.tracing.TraceContext;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.sandbox.EgressSummary;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.ExecutionRequest;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.sandbox.ExecutionStatus;
import ai.prometheus.shared.sandbox.ToolEvents;
import ai.prometheus.shared.sandbox.ToolOutput;
import ai.prometheus.shared.secret.SecretRedaction;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * Invoking a tool: admission (permission, status, fingerprint pin, arguments against the
 * signature), then either a synchronous run in the sandbox over REST, or a request on Kafka for
 * the sandbox consumer group. Whatever happens after admission is recorded: the invocation row
 * and its completed/failed event (plus an error report when it failed) commit together.
 *
 * <p>Size: ~460 lines for one path (admission, idempotent replay, the run or the Kafka request, the
 * outcome recorded in one transaction). Reading and cancelling stored invocations is
 * {@link InvocationQueries}'.
 */
@ApplicationScoped
public class InvocationService {

    private static final int MAX_IDEMPOTENCY_KEY = 255;
    private static final int MAX_ERROR_CHARS = 2_000;
    static final String CALLER_WENT_AWAY = "cancelled: its caller went away before the answer";

    private final SandboxClient sandbox;
    private final Outbox outbox;
    private final InvocationEvents events;
    private final AuditTrail audit;
    private final RegistryConfig config;
    private final ObjectMapper json;
    private final SyncAdmission syncAdmission;
    private final QuotaService quotas;
    private final InvocationMetrics metrics;
    private final InvocationRepository invocations;
    private final InvocationFeeds feeds;
    private final InvocationRecordRepository records;
    private final Admission admission;

    public InvocationService(
            SandboxClient sandbox,
            Outbox outbox,
            InvocationEvents events,
            AuditTrail audit,
            RegistryConfig config,
            ObjectMapper json,
            SyncAdmission syncAdmission,
            QuotaService quotas,
            InvocationMetrics metrics,
            InvocationRepository invocations,
            InvocationFeeds feeds,
            InvocationRecordRepository records,
            Admission admission) {
        this.feeds = feeds;
        this.records = records;
        this.admission = admission;
        this.sandbox = sandbox;
        this.outbox = outbox;
        this.events = events;
        this.audit = audit;
        this.config = config;
        this.json = json;
        this.syncAdmission = syncAdmission;
        this.quotas = quotas;
        this.metrics = metrics;
        this.invocations = invocations;
    }

    /**
     * The outcome for the caller: the invocation, whether it is still running (async), and for a
     * synchronous one where its time went (null for an asynchronous one).
     */
    public record Invoked(InvocationView invocation, boolean pending, InvocationTiming timing) {

        Invoked(InvocationView invocation, boolean pending) {
            this(invocation, pending, null);
        }
    }

    public Uni<Invoked> invoke(Caller caller, String name, InvocationRequest request, String idempotencyKey) {
        return invoke(caller, name, request, idempotencyKey, null);
    }

    /**
     * The same, with {@code events} hearing of a synchronous run's progress and log events (see
     * {@code ToolEvents}) while it runs, on an I/O thread, each once (null: nobody listens here).
     */
    public Uni<Invoked> invoke(
            Caller caller, String name, InvocationRequest request, String idempotencyKey, Consumer<JsonNode> events) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "Idempotency-Key", "must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters"));
        }
        if (!request.async()) {
            InvocationTiming timing = new InvocationTiming();
            // Refused before any database work when this replica holds all it can (429).
            return syncAdmission.admit(
                    caller.subject(), () -> admitAndRun(caller, name, request, idempotencyKey, events, timing));
        }
        return admitAndRun(caller, name, request, idempotencyKey, events, null);
    }

    private Uni<Invoked> admitAndRun(
            Caller caller,
            String name,
            InvocationRequest request,
            String idempotencyKey,
            Consumer<JsonNode> events,
            InvocationTiming timing) {
        UUID id = invocationId(caller, idempotencyKey);
        return admission
                .admit(caller, name, request, idempotencyKey == null ? null : id)
                .chain(outcome -> {
                    if (timing != null) {
                        timing.admitted();
                    }
                    if (outcome.earlier() != null) {
                        Invoked earlier = replay(outcome.earlier(), name);
                        return Uni.createFrom().item(new Invoked(earlier.invocation(), earlier.pending(), timing));
                    }
                    return request.async()
                            ? enqueue(caller, id, idempotencyKey, outcome.admitted(), request)
                            : run(caller, id, idempotencyKey, outcome.admitted(), request, events, timing);
                });
    }

    /** Charges a finished run's CPU and egress bytes to the tool's daily budgets, in the caller's transaction. */
    private Uni<Void> charge(Invocation invocation) {
        return quotas.chargeInTransaction(
                invocation.toolId,
                invocation.caller,
                invocation.cpuMs == null ? 0 : invocation.cpuMs,
                EgressSummary.totalBytes(invocation.egress),
                invocation.finishedAt);
    }

    private Uni<Invoked> enqueue(
            Caller caller, UUID id, String idempotencyKey, Admission.Admitted admitted, InvocationRequest request) {
        Invocation invocation = newInvocation(caller, id, idempotencyKey, admitted, request, Invocation.Mode.ASYNC);
        return Panache.withTransaction(() -> invocations
                        .persist(invocation)
                        .chain(() -> outbox.add(
                                config.invocation().requestsTopic(),
                                events.requested(invocation, admitted.version(), limits(admitted.version()), caller))))
                .map(ignored -> new Invoked(InvocationView.of(invocation), true))
                .onFailure(UniqueViolations::test)
                .recoverWithUni(() -> replayConcurrent(id, admitted.tool().name()));
    }

    private Uni<Invoked> run(
            Caller caller,
            UUID id,
            String idempotencyKey,
            Admission.Admitted admitted,
            InvocationRequest request,
            Consumer<JsonNode> listener,
            InvocationTiming timing) {
        Invocation invocation = newInvocation(caller, id, idempotencyKey, admitted, request, Invocation.Mode.SYNC);
        ToolVersion version = admitted.version();
        ExecutionRequest execution = new ExecutionRequest(
                version.language,
                version.code,
                admitted.arguments().toString(),
                limits(version),
                null,
                version.network,
                admitted.secrets());
        long started = System.nanoTime();
        RunStop stop = new RunStop();
        Uni<Invoked> recorded = ranLive(
                        execution, caller, id, syncTimeout(version), admitted.redaction(), listener, stop)
                .onItemOrFailure()
                .transformToUni((result, failure) -> {
                    timing.answered(started, result);
                    invocation.latencyMs = (System.nanoTime() - started) / 1_000_000;
                    invocation.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
                    if (failure == null) {
                        // The sandbox redacted already; redacting again costs little and guards what is stored here.
                        applyResult(invocation, result.redacted(admitted.redaction()));
                        return recorded(invocation, caller, timing)
                                .invoke(() -> metered(invocation))
                                .map(ignored -> new Invoked(InvocationView.of(invocation), false, timing));
                    }
                    SandboxFailure sandboxFailure = asSandboxFailure(failure);
                    if (sandboxFailure.kind() == SandboxFailure.Kind.CANCELLED) {
                        // Nobody hears the answer; the record says the run was stopped, not that it failed.
                        applyCancelled(invocation);
                        return recorded(invocation, caller, timing)
                                .invoke(() -> metered(invocation))
                                .map(ignored -> new Invoked(InvocationView.of(invocation), false, timing));
                    }
                    if (sandboxFailure.kind() == SandboxFailure.Kind.BUSY) {
                        // Never accepted, never ran: nothing to record but the refusal itself.
                        return Uni.createFrom()
                                .failure(ProblemException.tooManyRequests(
                                        "the sandbox is at capacity; retry later", sandboxFailure.retryAfterSeconds()));
                    }
                    if (sandboxFailure.kind() == SandboxFailure.Kind.IN_PROGRESS) {
                        // The same invocation id reached the sandbox before (a retried call); it
                        // answers the first run's result once that finishes, so the caller repeats.
                        return Uni.createFrom()
                                .failure(new ProblemException(
                                        ProblemType.CONFLICT,
                                        "invocation-in-progress",
                                        "invocation " + invocation.id + " of tool '" + invocation.toolName
                                                + "' is still running; repeat the request with the same Idempotency-Key",
                                        List.of(),
                                        Map.of("Retry-After", Long.toString(sandboxFailure.retryAfterSeconds()))));
                    }
                    if (sandboxFailure.kind() == SandboxFailure.Kind.REJECTED) {
                        return Uni.createFrom()
                                .failure(new ProblemException(
                                        ProblemType.UNPROCESSABLE,
                                        "tool '" + invocation.toolName + "' cannot run as registered: "
                                                + sandboxFailure.getMessage()));
                    }
                    applyPlatformFailure(invocation, sandboxFailure, admitted.redaction());
                    return recorded(invocation, caller, timing)
                            .invoke(() -> metered(invocation))
                            .chain(() -> Uni.createFrom().failure(platformProblem(invocation, sandboxFailure)));
                })
                .onFailure(UniqueViolations::test)
                .recoverWithUni(() -> replayConcurrent(id, admitted.tool().name()));
        return stoppedOnCancel(recorded, stop);
    }

    /**
     * A caller that goes away (quarkus-rest cancels the subscription when the client closes the
     * connection; the MCP transport passes that on) stops its run: the call to the sandbox is
     * cancelled, which closes its connection there, and the invocation is still recorded, as
     * CANCELLED, on a subscription of its own that cancelling never reaches. The stop runs on the
     * caller's Vert.x context, where recording it needs to be.
     */
    private static <T> Uni<T> stoppedOnCancel(Uni<T> pipeline, RunStop stop) {
        AtomicReference<Context> subscribedOn = new AtomicReference<>();
        return Uni.createFrom()
                .<T>emitter(emitter -> {
                    subscribedOn.set(Vertx.currentContext());
                    pipeline.subscribe().with(emitter::complete, emitter::fail);
                })
                .onCancellation()
                .invoke(() -> {
                    Context context = subscribedOn.get();
                    if (context == null) {
                        stop.stop();
                    } else {
                        context.runOnContext(ignored -> stop.stop());
                    }
                });
    }

    /**
     * The sandbox's run, followed live when configured: each event goes to this replica's feed of
     * the invocation (REST followers) and to {@code listener}; without the live path the listener
     * hears the same events from the result, once the run ended.
     */
    private Uni<ExecutionResult> ranLive(
            ExecutionRequest execution,
            Caller caller,
            UUID id,
            Duration timeout,
            SecretRedaction redaction,
            Consumer<JsonNode> listener,
            RunStop stop) {
        if (!config.invocation().liveEvents()) {
            return sandbox.execute(execution, caller.subject(), id.toString(), timeout, stop)
                    .invoke(result -> {
                        if (listener != null) {
                            ToolEvents.parse(redaction.redact(result.stderr())).forEach(listener);
                        }
                    });
        }
        InvocationFeeds.Feed feed = feeds.open(id, caller.subject());
        Consumer<JsonNode> events = event -> {
            JsonNode redacted = redaction.redact(event);
            feed.publish(redacted);
            if (listener != null) {
                listener.accept(redacted);
            }
        };
        return sandbox.stream(execution, caller.subject(), id.toString(), timeout, events, stop)
                .onTermination()
                .invoke(() -> {
                    try {
                        feeds.close(id, feed);
                    } catch (RuntimeException e) {
                        // A follower's failure is never the invocation's.
                    }
                });
    }

    /** {@link #record}, its time taken for the answer's Server-Timing. */
    private Uni<Void> recorded(Invocation invocation, Caller caller, InvocationTiming timing) {
        long sent = System.nanoTime();
        return record(invocation, caller).invoke(() -> timing.recorded(sent));
    }

    /**
     * Writes a finished synchronous invocation with its events and the charge of what its run used,
     * all or nothing: a completed or failed one as one statement ({@link InvocationRecordRepository}: one
     * round trip, one commit), a cancelled one, which also writes an audit entry, in one Hibernate
     * transaction (the charge taken last, so the counter rows it updates are locked only for the
     * moment before the commit).
     */
    private Uni<Void> record(Invocation invocation, Caller caller) {
        boolean failed = invocation.status == Invocation.Status.FAILED;
        boolean cancelled = invocation.status == Invocation.Status.CANCELLED;
        boolean platformFault = failed && ExecutionStatus.INTERNAL_ERROR.name().equals(invocation.sandboxStatus);
        if (!cancelled) {
            List<IntFunction<SqlPart>> alongside = new ArrayList<>(3);
            CloudEvent outcome =
                    failed ? events.failed(invocation, platformFault, caller) : events.completed(invocation, caller);
            alongside.add(first -> outbox.insertPart(Topics.TOOL_INVOCATION_RESULTS, outcome, first));
            if (failed) {
                CloudEvent report = events.errorReport(invocation);
                alongside.add(first -> outbox.insertPart(Topics.ERRORS, report, first));
            }
            alongside.add(first -> quotas.chargePart(
                    invocation.toolId,
                    invocation.caller,
                    invocation.cpuMs == null ? 0 : invocation.cpuMs,
                    EgressSummary.totalBytes(invocation.egress),
                    invocation.finishedAt,
                    first));
            // The relays hear of its events once the answer is on its way, not inside the statement.
            return records.insert(invocation, alongside).invoke(outbox::wakeRelays);
        }
        return Panache.withTransaction(() -> invocations
                .persist(invocation)
                // A cancelled run ends as the asynchronous ones do: failed with status CANCELLED, no fault.
                .chain(() -> outbox.add(Topics.TOOL_INVOCATION_RESULTS, events.failed(invocation, false, caller)))
                .chain(() -> audit.allowed(
                        caller,
                        AuditTrail.CANCEL,
                        invocation.toolName,
                        CALLER_WENT_AWAY,
                        audit.details()
                                .put("invocation", invocation.id.toString())
                                .put("mode", "sync")))
                .chain(() -> charge(invocation)));
    }

    /** A synchronous run stopped because its caller closed the connection before the answer. */
    private static void applyCancelled(Invocation invocation) {
        invocation.status = Invocation.Status.CANCELLED;
        invocation.sandboxStatus = ExecutionStatus.CANCELLED.name();
        invocation.errorMessage = CALLER_WENT_AWAY;
    }

    private void metered(Invocation invocation) {
        metrics.finished(
                invocation.toolName,
                invocation.mode,
                invocation.sandboxStatus,
                invocation.latencyMs == null ? 0 : invocation.latencyMs);
    }

    void applyResult(Invocation invocation, ExecutionResult result) {
        invocation.sandboxStatus = result.status().name();
        invocation.exitCode = result.exitCode();
        invocation.egress = EgressSummary.of(result.egress());
        invocation.events(ToolEvents.parse(result.stderr()));
        if (result.usage() != null) {
            invocation.wallMs = result.usage().wallMs();
            invocation.cpuMs = result.usage().cpuMs();
            invocation.peakMemoryBytes = result.usage().peakMemoryBytes();
            invocation.outputBytes = result.usage().outputBytes();
        }
        if (result.status() == ExecutionStatus.OK) {
            invocation.status = Invocation.Status.COMPLETED;
            invocation.result(ToolOutput.parse(result.stdout()));
        } else {
            invocation.status = Invocation.Status.FAILED;
            invocation.errorMessage = failureMessage(result);
        }
    }

    private static void applyPlatformFailure(Invocation invocation, SandboxFailure failure, SecretRedaction redaction) {
        invocation.status = Invocation.Status.FAILED;
        invocation.sandboxStatus = ExecutionStatus.INTERNAL_ERROR.name();
        invocation.errorMessage = redaction.redact(failure.getMessage());
    }

    /** Why a run failed, in the words most useful to the caller: the sandbox's message, then stderr's tail. */
    private static String failureMessage(ExecutionResult result) {
        StringBuilder message = new StringBuilder();
        if (result.message() != null && !result.message().isBlank()) {
            message.append(result.message());
        } else {
            message.append(result.status().name().toLowerCase().replace('_', ' '));
            if (result.exitCode() != null) {
                message.append(" (exit code ").append(result.exitCode()).append(')');
            }
        }
        String stderr = result.stderr() == null ? "" : result.stderr().strip();
        if (!stderr.isEmpty()) {
            String tail = stderr.length() > MAX_ERROR_CHARS
                    ? "…" + stderr.substring(stderr.length() - MAX_ERROR_CHARS)
                    : stderr;
            message.append(": ").append(tail);
        }
        return ToolOutput.text(message.toString());
    }

    private static SandboxFailure asSandboxFailure(Throwable failure) {
        if (failure instanceof SandboxFailure sandboxFailure) {
            return sandboxFailure;
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return new SandboxFailure(
                    SandboxFailure.Kind.UNAVAILABLE,
                    "the sandbox has been failing; calls are paused for a few seconds",
                    5,
                    failure);
        }
        return new SandboxFailure(SandboxFailure.Kind.FAILED, "the call to the sandbox failed", 1, failure);
    }

    private static ProblemException platformProblem(Invocation invocation, SandboxFailure failure) {
        String detail = "invocation " + invocation.id + " of tool '" + invocation.toolName + "' could not run: "
                + failure.getMessage();
        return switch (failure.kind()) {
            case TIMEOUT -> new ProblemException(ProblemType.GATEWAY_TIMEOUT, detail);
            case UNAVAILABLE ->
                new ProblemException(
                        ProblemType.UNAVAILABLE,
                        detail,
                        List.of(),
                        Map.of("Retry-After", Long.toString(Math.max(1, failure.retryAfterSeconds()))));
            default -> new ProblemException(ProblemType.BAD_GATEWAY, detail);
        };
    }

    private Uni<Invoked> replayConcurrent(UUID id, String name) {
        return Panache.withSession(() -> invocations.findById(id)).map(found -> replay(found, name));
    }

    private static Invoked replay(Invocation invocation, String name) {
        if (!invocation.toolName.equals(name)) {
            throw ProblemException.conflict(
                    "this Idempotency-Key was already used for an invocation of tool '" + invocation.toolName + "'");
        }
        return new Invoked(InvocationView.of(invocation), invocation.status == Invocation.Status.PENDING);
    }

    private Invocation newInvocation(
            Caller caller,
            UUID id,
            String idempotencyKey,
            Admission.Admitted admitted,
            InvocationRequest request,
            Invocation.Mode mode) {
        Invocation invocation = new Invocation();
        invocation.id = id;
        invocation.toolId = admitted.tool().id();
        invocation.toolName = admitted.tool().name();
        invocation.toolVersion = admitted.version().version;
        invocation.fingerprint = admitted.version().fingerprint;
        invocation.caller = caller.subject();
        invocation.mode = mode;
        invocation.status = Invocation.Status.PENDING;
        invocation.arguments = admitted.arguments();
        invocation.memoryContextId = request.memoryContextId();
        invocation.traceId = TraceContext.currentTraceId();
        invocation.idempotencyKey = idempotencyKey;
        invocation.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        return invocation;
    }

    private static ExecutionLimits limits(ToolVersion version) {
        return version.limits == null ? ExecutionLimits.DEFAULTS : version.limits;
    }

    private Duration syncTimeout(ToolVersion version) {
        Duration wall = version.limits != null && version.limits.wallMs() != null
                ? Duration.ofMillis(version.limits.wallMs())
                : config.invocation().defaultWall();
        Duration wait = wall.plus(config.invocation().syncMargin());
        return wait.compareTo(config.invocation().maxSyncWait()) > 0
                ? config.invocation().maxSyncWait()
                : wait;
    }

    /** A repeated Idempotency-Key from the same caller always maps to the same invocation id. */
    static UUID invocationId(Caller caller, String idempotencyKey) {
        if (idempotencyKey == null) {
            return UUID.randomUUID();
        }
        return UUID.nameUUIDFromBytes((caller.subject() + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
    }
}
