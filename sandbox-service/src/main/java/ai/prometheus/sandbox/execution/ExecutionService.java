package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.runtime.IsolationUnavailableException;
import ai.prometheus.sandbox.runtime.RunOutcome;
import ai.prometheus.sandbox.runtime.RunWatch;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import ai.prometheus.sandbox.runtime.Workspace;
import ai.prometheus.sandbox.screening.SafetyScreen;
import ai.prometheus.shared.platform.error.ErrorReporter;
import ai.prometheus.shared.platform.postgres.UniqueViolations;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.sandbox.ExecutionResult;
import ai.prometheus.shared.sandbox.ExecutionStatus;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs code for the REST API: screens it, runs it on an admitted slot, stores the execution, and
 * reports platform failures to the guardian. With an Idempotency-Key the execution is claimed in
 * the database before it runs, so a repeated key returns the first result instead of running twice.
 */
@ApplicationScoped
public class ExecutionService {

    private final ExecutionRepository executions;
    private final SandboxRuntime runtime;
    private final SafetyScreen screen;
    private final Admission admission;
    private final ErrorReporter errors;
    private final SandboxConfig config;
    private final RunMetrics runs;

    public ExecutionService(
            ExecutionRepository executions,
            SandboxRuntime runtime,
            SafetyScreen screen,
            Admission admission,
            ErrorReporter errors,
            SandboxConfig config,
            RunMetrics runs) {
        this.executions = executions;
        this.runtime = runtime;
        this.screen = screen;
        this.admission = admission;
        this.errors = errors;
        this.config = config;
        this.runs = runs;
    }

    /**
     * An execution's result, whether it is the replay of an earlier request with the same key, and
     * how long this request's stages took (null for a replay: nothing ran).
     */
    public record Executed(ExecutionResult result, boolean replayed, ServerTiming timing) {}

    /**
     * Runs {@code request} for {@code actor}. {@code workspace} is a session's workspace (with its
     * {@code sessionId}), or null for a fresh sandbox.
     */
    public Uni<Executed> execute(
            RunRequest request,
            ExecutionRecords.Actor actor,
            String idempotencyKey,
            UUID sessionId,
            Workspace workspace) {
        return execute(request, actor, idempotencyKey, sessionId, workspace, Live.NONE);
    }

    /**
     * How a run is watched while it goes: a place already held for it (a stream must be refused
     * before it starts, so it takes its place first), who hears of its events, redacted, and
     * where to hear that its answer has been written.
     *
     * @param place null: the run takes a place when it comes to run, or is refused then
     * @param events null: nobody listens
     * @param onAnswered null: no answer follows the run; else it is handed what is to run once
     *     the answer has been written (the run's sandbox teardown, its replacement's start), and
     *     runs it then
     * @param arrived {@link System#nanoTime} when the request reached the router, for its
     *     Server-Timing; null when not known
     */
    public record Live(Admission.Place place, Consumer<JsonNode> events, Consumer<Runnable> onAnswered, Long arrived) {
        static final Live NONE = new Live(null, null, null, null);

        /** Only hears when the answer has been written, of a request that reached the router at {@code arrived}. */
        public static Live answered(Consumer<Runnable> onAnswered, Long arrived) {
            return new Live(null, null, onAnswered, arrived);
        }

        void giveBack() {
            if (place != null) {
                place.release();
            }
        }
    }

    /** The same, with {@code live} saying how the run is watched while it goes. */
    public Uni<Executed> execute(
            RunRequest request,
            ExecutionRecords.Actor actor,
            String idempotencyKey,
            UUID sessionId,
            Workspace workspace,
            Live live) {
        RunWatch watch = RunWatch.cancellable(
                live.events() == null
                        ? null
                        : event -> live.events().accept(request.redaction().redact(event)));
        if (live.onAnswered() != null) {
            watch.holdUntilAnswered();
            live.onAnswered().accept(watch::answered);
        }
        ServerTiming timing = new ServerTiming(live.arrived());
        // A place the run did not take (not run: replayed, screened out, refused) goes back when this ends.
        return stoppedOnCancel(
                executeLive(request, actor, idempotencyKey, sessionId, workspace, live, watch, timing)
                        .onTermination()
                        .invoke(live::giveBack),
                watch);
    }

    /**
     * A caller that goes away stops its run: quarkus-rest cancels the subscription when the client
     * closes the connection. The run is killed, not abandoned: {@code pipeline} still goes on to
     * store the execution (as CANCELLED) on a subscription of its own, which cancelling never reaches.
     */
    static <T> Uni<T> stoppedOnCancel(Uni<T> pipeline, RunWatch watch) {
        return Uni.createFrom()
                .<T>emitter(emitter -> pipeline.subscribe().with(emitter::complete, emitter::fail))
                .onCancellation()
                .invoke(watch::cancel);
    }

    private Uni<Executed> executeLive(
            RunRequest request,
            ExecutionRecords.Actor actor,
            String idempotencyKey,
            UUID sessionId,
            Workspace workspace,
            Live live,
            RunWatch watch,
            ServerTiming timing) {
        if (!runtime.status().ready()) {
            return Uni.createFrom().failure(unavailable(runtime.status().detail()));
        }
        ExecutionResult.Screening screening =
                screen.screen(request.language(), request.code(), request.egress() != null);
        Execution row = ExecutionRecords.newRow(
                UUID.randomUUID(),
                Execution.SOURCE_API,
                request,
                actor,
                sessionId,
                screening,
                config.storage().maxStoredCodeBytes());
        if (idempotencyKey == null) {
            return outcomeOf(request, screening, workspace, live, watch, timing)
                    .chain(outcome -> store(row, outcome, false, timing));
        }
        row.idempotencyKey = idempotencyKey;
        row.requestHash = ExecutionRecords.requestHash(request, sessionId);
        // Runs under the key this request claimed, then completes the claimed row.
        return claim(row, timing)
                .chain(existing -> existing != null
                        ? Uni.createFrom().item(replay(existing, row.requestHash))
                        : outcomeOf(request, screening, workspace, live, watch, timing)
                                // Not run at all (busy, unavailable): free the key so a retry can run.
                                .onFailure(ProblemException.class)
                                .call(() -> executions.deleteAlone(row))
                                .chain(outcome -> store(row, outcome, true, timing)));
    }

    /**
     * Stores how the run ended: the new row ({@code claimed} false) or the RUNNING row this
     * request claimed. A run with something to report to the guardian is written with its reports
     * in one transaction; every other run (nearly all) in one self-committing statement, one round
     * trip on the REST path instead of BEGIN, a read, the write and COMMIT.
     */
    private Uni<Executed> store(Execution row, RunOutcome outcome, boolean claimed, ServerTiming timing) {
        timing.resumed(outcome);
        ExecutionRecords.complete(row, outcome, config.storage().maxStoredOutputBytes());
        if (!reportable(outcome)) {
            return (claimed ? executions.completeAlone(row) : executions.insertAlone(row))
                    .map(stored -> executed(row, outcome, timing));
        }
        return Panache.withTransaction(() -> executions
                        .unflushedCommit()
                        .chain(() -> claimed
                                ? executions.getSession().chain(session -> session.merge(row))
                                : executions.persist(row))
                        .chain(() -> reportPlatformFailure(row, outcome))
                        .chain(() -> EgressDenials.report(errors, row, outcome)))
                .map(reported -> executed(row, outcome, timing));
    }

    /** Whether storing {@code outcome} also reports something to the guardian (a platform failure, refused egress). */
    private static boolean reportable(RunOutcome outcome) {
        return outcome.status() == ExecutionStatus.INTERNAL_ERROR
                || (outcome.egress() != null
                        && outcome.egress().stream().anyMatch(connection -> !connection.allowed()));
    }

    private Uni<RunOutcome> outcomeOf(
            RunRequest request,
            ExecutionResult.Screening screening,
            Workspace workspace,
            Live live,
            RunWatch watch,
            ServerTiming timing) {
        if (SafetyScreen.denied(screening)) {
            return Uni.createFrom().item(ExecutionRecords.policyDenied(screening));
        }
        Instant admitted = Instant.now();
        // A caller gone while the run waited for its slot: it does not start.
        Supplier<RunOutcome> work = () -> {
            timing.taken();
            RunOutcome outcome =
                    watch.cancelled() ? RunOutcome.cancelledBeforeStart(admitted) : run(request, workspace, watch);
            timing.handedBack();
            return outcome;
        };
        return Uni.createFrom()
                .deferred(() -> {
                    timing.handedOver();
                    return live.place() == null
                            ? admission.submit(work)
                            : live.place().submit(work);
                })
                .onFailure(IsolationUnavailableException.class)
                .transform(e -> unavailable(e.getMessage()));
    }

    /** Runs the request's code on the calling run thread; its outcome redacted. */
    private RunOutcome run(RunRequest request, Workspace workspace, RunWatch watch) {
        return runs.ran(
                        request.language(),
                        runtime.run(
                                request.language(),
                                request.codeBytes(),
                                request.stdinBytes(),
                                request.secrets(),
                                request.limits(),
                                workspace,
                                request.egress(),
                                watch))
                // Redacted before anything is stored, answered or reported.
                .redacted(request.redaction());
    }

    /**
     * Inserts the RUNNING row under the key (one self-committing statement), or answers the row
     * that already holds it: the unique constraint on (principal, key) decides, so a first request
     * costs one round trip and two racing requests still find one winner. The claim of a run that
     * can change something outside its own sandbox waits for the log flush ({@link
     * #claimMustSurviveACrash}).
     */
    private Uni<Execution> claim(Execution row, ServerTiming timing) {
        long sent = System.nanoTime();
        return executions
                .insertAlone(row, claimMustSurviveACrash(row))
                .invoke(() -> timing.claimed(sent))
                .replaceWith((Execution) null)
                .onFailure(failure -> UniqueViolations.of(failure, Execution.IDEMPOTENCY_CONSTRAINT))
                .recoverWithUni(() ->
                        Panache.withSession(() -> executions.findByIdempotencyKey(row.principal, row.idempotencyKey)));
    }

    /**
     * Whether a claim must wait for the log flush, whatever {@code sandbox.storage.synchronous-commit}:
     * when the run can change something outside its own sandbox, that is, it may connect out (a
     * network policy) or it writes a session's workspace. A claim a crash of PostgreSQL or its host
     * takes back lets a retry with the same key run the code again; for a run in a fresh sandbox
     * without network that repeats nothing anyone else sees, for these it could repeat a payment
     * or append to a file twice. Kept, a crash leaves the claim RUNNING (its completion may be
     * lost): a retry is answered 409 until the reaper ends the row as interrupted, and never runs
     * the code again. Such runs always start cold, so the wait (2 to 3 ms) is small beside them.
     */
    static boolean claimMustSurviveACrash(Execution row) {
        return NetworkPolicy.grantsAny(row.network) || row.sessionId != null;
    }

    private Executed replay(Execution existing, String requestHash) {
        if (!existing.requestHash.equals(requestHash)) {
            throw new ProblemException(
                    ProblemType.UNPROCESSABLE,
                    "Idempotency-Key '" + existing.idempotencyKey + "' was already used for a different request");
        }
        if (existing.running()) {
            throw ProblemException.conflict("the request with Idempotency-Key '" + existing.idempotencyKey
                    + "' is still running; repeat it once it finished");
        }
        return new Executed(ExecutionRecords.toResult(existing), true, null);
    }

    /** The stored run's answer. */
    private static Executed executed(Execution row, RunOutcome outcome, ServerTiming timing) {
        timing.stored();
        return new Executed(ExecutionRecords.toResult(row, outcome), false, timing);
    }

    /**
     * A run that failed through the platform's fault is reported to the guardian in the transaction
     * that stores its result: the report exists exactly when the result does.
     */
    private Uni<Void> reportPlatformFailure(Execution row, RunOutcome outcome) {
        if (outcome.status() != ExecutionStatus.INTERNAL_ERROR) {
            return Uni.createFrom().voidItem();
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("executionId", row.id.toString());
        attributes.put("language", row.language);
        return errors.reportInTransaction("sandbox.internal", outcome.message(), null, attributes);
    }

    /** Whether runs can be accepted now (else they are answered 503). */
    boolean ready() {
        return runtime.status().ready();
    }

    String unreadyDetail() {
        return runtime.status().detail();
    }

    static ProblemException unavailable(String detail) {
        return ProblemException.unavailable("the sandbox cannot run code on this host: " + detail);
    }
}
