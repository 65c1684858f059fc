package ai.prometheus.sandbox.invocation;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.execution.Admission;
import ai.prometheus.sandbox.execution.EgressDenials;
import ai.prometheus.sandbox.execution.Execution;
import ai.prometheus.sandbox.execution.ExecutionRecords;
import ai.prometheus.sandbox.execution.ExecutionRepository;
import ai.prometheus.sandbox.execution.RequestValidator;
import ai.prometheus.sandbox.execution.RunCancellations;
import ai.prometheus.sandbox.execution.RunMetrics;
import ai.prometheus.sandbox.execution.RunRequest;
import ai.prometheus.sandbox.runtime.IsolationUnavailableException;
import ai.prometheus.sandbox.runtime.RunOutcome;
import ai.prometheus.sandbox.runtime.RunWatch;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import ai.prometheus.sandbox.screening.SafetyScreen;
import ai.prometheus.sandbox.secret.RunSecretsClient;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.MalformedEventException;
import ai.prometheus.shared.event.ToolInvocationRequested;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.event.TypedEvent;
import ai.prometheus.shared.platform.error.ErrorReporter;
import ai.prometheus.shared.platform.inbox.ProcessedEvents;
import ai.prometheus.shared.platform.inbox.TransientFailures;
import ai.prometheus.shared.platform.outbox.Outbox;
import ai.prometheus.shared.platform.postgres.UniqueViolations;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.sandbox.ToolOutput;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The asynchronous path: runs a requested tool invocation and publishes its result through the
 * outbox.
 *
 * <p>Exactly-once effect, at-most-once run. The request's event id (in processed_events) and a
 * RUNNING execution row are committed together before the code runs, so a redelivered request
 * finds its id and does nothing. If the replica dies mid-run, the redelivery does not run the code
 * again either; the interrupted row is answered later by {@link InterruptedRunReaper} with a
 * failed event ({@code INTERNAL_ERROR}, platform fault). Whoever ends a RUNNING row first (the run
 * or the reaper) holds its row lock and writes the one result event.
 */
@ApplicationScoped
public class InvocationService {

    static final String CONSUMER = "sandbox.tool-invocations";

    private final ExecutionRepository executions;
    private final RequestValidator validator;
    private final SafetyScreen screen;
    private final Admission admission;
    private final SandboxRuntime runtime;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final InvocationEvents events;
    private final ErrorReporter errors;
    private final SandboxConfig config;
    private final RunSecretsClient secrets;
    private final RunMetrics runs;
    private final RunCancellations cancellations;
    private final RunProgress progress;

    public InvocationService(
            ExecutionRepository executions,
            RequestValidator validator,
            SafetyScreen screen,
            Admission admission,
            SandboxRuntime runtime,
            ProcessedEvents processed,
            Outbox outbox,
            InvocationEvents events,
            ErrorReporter errors,
            SandboxConfig config,
            RunSecretsClient secrets,
            RunMetrics runs,
            RunCancellations cancellations,
            RunProgress progress) {
        this.executions = executions;
        this.validator = validator;
        this.screen = screen;
        this.admission = admission;
        this.runtime = runtime;
        this.processed = processed;
        this.outbox = outbox;
        this.events = events;
        this.errors = errors;
        this.config = config;
        this.secrets = secrets;
        this.runs = runs;
        this.cancellations = cancellations;
        this.progress = progress;
    }

    public Uni<Void> handle(TypedEvent<ToolInvocationRequested> event) {
        ToolInvocationRequested request = event.data();
        if (request.invocationId() == null) {
            throw new MalformedEventException("event " + event.id() + " has no invocationId");
        }
        String summary = InvocationEvents.summarize(request.arguments());
        RunRequest run;
        try {
            run = validator.validate(
                    request.language(),
                    request.code(),
                    stdinOf(request),
                    request.limits(),
                    request.network(),
                    Map.of());
        } catch (ProblemException refusal) {
            CloudEvent refused = events.refused(
                    request.invocationId(),
                    request.toolName(),
                    request.toolVersion(),
                    request.caller(),
                    request.callerClaims(),
                    request.memoryContextId(),
                    summary,
                    "request refused: " + describe(refusal),
                    event.traceparent());
            return processed
                    .onceInTransaction(CONSUMER, event.id(), () -> outbox.add(Topics.TOOL_INVOCATION_RESULTS, refused))
                    .replaceWithVoid();
        }
        ExecutionResult.Screening screening = screen.screen(run.language(), run.code(), run.egress() != null);
        Execution row = ExecutionRecords.newRow(
                UUID.randomUUID(),
                Execution.SOURCE_KAFKA,
                run,
                new ExecutionRecords.Actor(requester(event), request.caller()),
                null,
                screening,
                config.storage().maxStoredCodeBytes());
        row.invocationId = request.invocationId();
        row.toolName = request.toolName();
        row.toolVersion = request.toolVersion();
        row.memoryContextId = request.memoryContextId();
        row.argumentsSummary = summary;
        row.callerClaims = request.callerClaims();
        Instant claimedAt = Instant.now();
        return processed
                .onceInTransaction(CONSUMER, event.id(), () -> executions.persist(row))
                // Another request event for the same invocation already claimed it.
                .onFailure(failure -> UniqueViolations.of(failure, Execution.INVOCATION_CONSTRAINT))
                .recoverWithItem(false)
                .chain(claimed -> claimed
                        ? runAndPublish(row, run, request, screening, claimedAt, event.traceparent())
                        : Uni.createFrom().voidItem());
    }

    private Uni<Void> runAndPublish(
            Execution row,
            RunRequest run,
            ToolInvocationRequested request,
            ExecutionResult.Screening screening,
            Instant claimedAt,
            String traceparent) {
        // Registered from the claim on, so a cancellation finds it whether it waits or runs.
        Uni<RunOutcome> outcome = SafetyScreen.denied(screening)
                ? Uni.createFrom().item(ExecutionRecords.policyDenied(screening))
                : cancellations
                        .watch(
                                request.invocationId(),
                                row.principal,
                                row.onBehalfOf,
                                progress.of(request.invocationId(), traceparent))
                        .chain(watch -> withSecrets(run, request, claimedAt, watch))
                        .eventually(() -> cancellations.release(request.invocationId()));
        // The code ran: publishing its answer waits out a database outage rather than losing it.
        return outcome.chain(result -> TransientFailures.retried(() -> Panache.withTransaction(() -> executions
                .findById(row.id, LockModeType.PESSIMISTIC_WRITE)
                .chain(stored -> {
                    if (stored == null || !stored.running()) {
                        return Uni.createFrom().voidItem(); // already answered as interrupted
                    }
                    ExecutionRecords.complete(stored, result, config.storage().maxStoredOutputBytes());
                    // Too large for its event: kept whole here, where the registry fetches it.
                    if (result.stdout() != null
                            && result.stdout().getBytes(StandardCharsets.UTF_8).length
                                    > config.invocation().maxResultBytes()) {
                        stored.result = ToolOutput.text(result.stdout());
                    }
                    Uni<Void> answered = outbox.add(
                            Topics.TOOL_INVOCATION_RESULTS,
                            events.resultOf(
                                    stored,
                                    result,
                                    claimedAt,
                                    config.invocation().maxResultBytes(),
                                    traceparent));
                    // The guardian hears of a platform fault and of refused egress exactly when its answer commits.
                    Uni<Void> reported = answered.chain(() -> EgressDenials.report(errors, stored, result));
                    return result.status().platformFault()
                            ? reported.chain(() -> errors.reportInTransaction(
                                    "sandbox.internal", result.message(), null, attributes(row)))
                            : reported;
                }))));
    }

    /**
     * Runs with the secrets the tool uses, fetched from the registry just before (they never travel
     * on Kafka), and redacted from the outcome before it is stored or published. A run cancelled
     * while it waited for its place does not start.
     */
    private Uni<RunOutcome> withSecrets(
            RunRequest run, ToolInvocationRequested request, Instant claimedAt, RunWatch watch) {
        return secrets.fetch(request.invocationId(), request.secretNames())
                .map(run::withSecrets)
                .chain(ready -> admission.whenFree(() -> watch.cancelled()
                        ? RunOutcome.cancelledBeforeStart(claimedAt)
                        : runs.ran(
                                        ready.language(),
                                        runtime.run(
                                                ready.language(),
                                                ready.codeBytes(),
                                                ready.stdinBytes(),
                                                ready.secrets(),
                                                ready.limits(),
                                                null,
                                                ready.egress(),
                                                watch))
                                .redacted(ready.redaction())))
                .onFailure(RunSecretsClient.SecretsUnavailableException.class)
                .recoverWithItem(missing -> RunOutcome.internalError(
                        "the run's secrets could not be fetched: " + missing.getMessage(), claimedAt))
                .onFailure(IsolationUnavailableException.class)
                .recoverWithItem(unavailable -> RunOutcome.internalError(
                        "the sandbox cannot isolate code on this host: " + unavailable.getMessage(), claimedAt));
    }

    static Map<String, String> attributes(Execution row) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("executionId", row.id.toString());
        if (row.invocationId != null) {
            attributes.put("invocationId", row.invocationId.toString());
        }
        if (row.toolName != null) {
            attributes.put("tool", row.toolName);
        }
        attributes.put("language", row.language);
        return attributes;
    }

    /** The tool contract: the arguments arrive on stdin as one JSON document. */
    private static String stdinOf(ToolInvocationRequested request) {
        return request.arguments() == null || request.arguments().isNull()
                ? "{}"
                : request.arguments().toString();
    }

    /** The service that asked, from the event source ({@code /tool-registry-service}). */
    private static String requester(TypedEvent<?> event) {
        String source = event.source();
        String name = source.startsWith("/") ? source.substring(1) : source;
        return name.isBlank() ? "unknown" : name;
    }

    private static String describe(ProblemException refusal) {
        if (refusal.errors().isEmpty()) {
            return refusal.getMessage();
        }
        return refusal.errors().stream()
                .map(error -> error.field() + " " + error.reason())
                .collect(Collectors.joining("; "));
    }
}
