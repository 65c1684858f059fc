package ai.prometheus.registry.invocation;

import ai.prometheus.registry.quota.QuotaService;
import ai.prometheus.registry.sandbox.SandboxClient;
import ai.prometheus.registry.secret.SecretService;
import ai.prometheus.registry.tool.ToolRepository;
import ai.prometheus.registry.usage.UsageRecorder;
import ai.prometheus.registry.usage.UsageRepository;
import ai.prometheus.shared.event.EventBudget;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationCompleted;
import ai.prometheus.shared.event.ToolInvocationFailed;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.event.TypedEvent;
import ai.prometheus.shared.platform.inbox.ProcessedEvents;
import ai.prometheus.shared.platform.inbox.TransientFailures;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.messaging.EventHandlers;
import ai.prometheus.shared.platform.outbox.Outbox;
import ai.prometheus.shared.sandbox.EgressSummary;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import ai.prometheus.shared.sandbox.ToolOutput;
import ai.prometheus.shared.secret.SecretRedaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads completed and failed invocation events: those of asynchronous invocations finish their
 * invocation row (and report a failure to the guardian), and every one of them counts once into
 * usage. Usage therefore has one source for both paths, and a redelivered event changes nothing.
 * The events of synchronous invocations, which only count, take one statement each
 * ({@link SettledResultRepository}).
 */
@ApplicationScoped
public class InvocationResults {

    static final String CONSUMER = "registry.invocation-results";
    private static final Logger LOG = Logger.getLogger(InvocationResults.class);

    private final ProcessedEvents processed;
    private final UsageRecorder usage;
    private final Outbox outbox;
    private final InvocationEvents events;
    private final QuotaService quotas;
    private final ToolRepository tools;
    private final SecretService secrets;
    private final InvocationMetrics metrics;
    private final SandboxClient sandbox;
    private final InvocationRepository invocations;
    private final EventHandlers handlers;
    private final SettledResultRepository settled;

    public InvocationResults(
            EventCodec codec,
            ProcessedEvents processed,
            UsageRecorder usage,
            Outbox outbox,
            InvocationEvents events,
            QuotaService quotas,
            ToolRepository tools,
            SecretService secrets,
            InvocationMetrics metrics,
            SandboxClient sandbox,
            InvocationRepository invocations,
            SettledResultRepository settled) {
        this.settled = settled;
        this.processed = processed;
        this.usage = usage;
        this.outbox = outbox;
        this.events = events;
        this.quotas = quotas;
        this.tools = tools;
        this.secrets = secrets;
        this.metrics = metrics;
        this.sandbox = sandbox;
        this.invocations = invocations;
        this.handlers = EventHandlers.of(codec)
                .on(
                        EventTypes.TOOL_INVOCATION_COMPLETED,
                        ToolInvocationCompleted.class,
                        done -> countedOrFinished(
                                done.id(),
                                Run.of(done.data()),
                                () -> whole(done)
                                        .chain(whole -> processed.onceInTransaction(
                                                CONSUMER, done.id(), () -> completed(whole)))))
                .on(
                        EventTypes.TOOL_INVOCATION_FAILED,
                        ToolInvocationFailed.class,
                        failed -> countedOrFinished(
                                failed.id(),
                                Run.of(failed.data()),
                                () -> processed.onceInTransaction(CONSUMER, failed.id(), () -> failed(failed.data()))))
                .skipOthers();
    }

    @Incoming("invocation-results")
    public Uni<Void> consume(String record) {
        return handlers.handle(record);
    }

    /**
     * The result of a synchronous invocation (written finished, and charged, by the request that
     * ran it) or of one this database does not hold only counts into usage: one statement
     * ({@link SettledResultRepository}). An asynchronous or pending invocation is left to
     * {@code finish}, the transaction of {@link #completed} or {@link #failed}, which finishes and
     * charges it.
     */
    private Uni<Void> countedOrFinished(String eventId, Run run, Supplier<Uni<?>> finish) {
        UsageRepository.Outcome outcome =
                UsageRecorder.outcome(run.success(), run.status(), run.latencyMs(), run.cpuMs(), run.peakMemoryBytes());
        OffsetDateTime at = run.at().atOffset(ZoneOffset.UTC);
        return TransientFailures.retried(() -> settled.countIfSettled(
                        CONSUMER, eventId, run.invocationId(), run.tool(), run.caller(), outcome, at))
                .chain(counted ->
                        counted ? Uni.createFrom().voidItem() : finish.get().replaceWithVoid());
    }

    /**
     * A result too large for its event travels by reference: the event carries its start and lists
     * it in truncatedFields, and the sandbox serves the whole of it. Should the sandbox stay
     * unreachable through every retry, the invocation keeps the cut value (it says so at its end)
     * rather than holding up every later result on the partition.
     */
    private Uni<ToolInvocationCompleted> whole(TypedEvent<ToolInvocationCompleted> event) {
        ToolInvocationCompleted done = event.data();
        if (!EventBudget.truncated(event.envelope().data(), "result")) {
            return Uni.createFrom().item(done);
        }
        return sandbox.invocationOutput(done.invocationId())
                .map(stdout -> done.withResult(ToolOutput.parse(stdout)))
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf(
                            "The whole result of invocation %s could not be fetched from the sandbox (%s); its cut value is kept",
                            done.invocationId(), failure.getMessage());
                    return done;
                });
    }

    private Uni<Void> completed(ToolInvocationCompleted done) {
        return invocations.findById(done.invocationId()).chain(invocation -> {
            Uni<Void> stored = Uni.createFrom().voidItem();
            if (invocation != null && invocation.status == Invocation.Status.PENDING) {
                invocation.status = Invocation.Status.COMPLETED;
                invocation.sandboxStatus = done.status();
                invocation.egress = done.egress();
                finish(invocation, done.usage(), done.finishedAt());
                stored = redaction(invocation)
                        .invoke(redaction -> invocation.result(redaction.redact(done.result())))
                        .replaceWithVoid();
            }
            return stored.chain(() -> count(Run.of(done))).chain(() -> charge(invocation, done.usage()));
        });
    }

    private Uni<Void> failed(ToolInvocationFailed failed) {
        return invocations.findById(failed.invocationId()).chain(invocation -> {
            Uni<Void> report = Uni.createFrom().voidItem();
            if (invocation != null && invocation.status == Invocation.Status.PENDING) {
                invocation.status = Invocation.Status.FAILED;
                invocation.sandboxStatus = failed.status();
                invocation.egress = failed.egress();
                invocation.exitCode = failed.exitCode();
                finish(invocation, failed.usage(), failed.finishedAt());
                // The synchronous path reports its failures itself; asynchronous ones are reported here.
                report = redaction(invocation)
                        .invoke(redaction ->
                                invocation.errorMessage = redaction.redact(ToolOutput.text(failed.errorMessage())))
                        .chain(() -> outbox.add(Topics.ERRORS, events.errorReport(invocation)));
            }
            return report.chain(() -> count(Run.of(failed))).chain(() -> charge(invocation, failed.usage()));
        });
    }

    // Counted where an asynchronous invocation leaves PENDING (synchronous ones are counted by
    // InvocationService): once per invocation, since the transition happens once.
    private void finish(Invocation invocation, ExecutionUsage usage, Instant finishedAt) {
        invocation.finishedAt = (finishedAt == null ? Instant.now() : finishedAt).atOffset(ZoneOffset.UTC);
        // For asynchronous invocations the latency the caller saw includes the time in the queue.
        invocation.latencyMs = Math.max(
                0,
                invocation.finishedAt.toInstant().toEpochMilli()
                        - invocation.createdAt.toInstant().toEpochMilli());
        if (usage != null) {
            invocation.wallMs = usage.wallMs();
            invocation.cpuMs = usage.cpuMs();
            invocation.peakMemoryBytes = usage.peakMemoryBytes();
            invocation.outputBytes = usage.outputBytes();
        }
        metrics.finished(invocation.toolName, invocation.mode, invocation.sandboxStatus, invocation.latencyMs);
    }

    /**
     * The sandbox redacted the run's output already; the registry does it again before it stores
     * anything, with the secrets the invoked version declares.
     */
    private Uni<SecretRedaction> redaction(Invocation invocation) {
        return tools.version(invocation.toolId, invocation.toolVersion)
                .chain(version -> version == null
                        ? Uni.createFrom().item(SecretRedaction.NONE)
                        : secrets.redactionFor(invocation.toolId, version.secretNames()));
    }

    /** Asynchronous runs are charged to the tool's daily CPU and egress budgets when their result arrives. */
    private Uni<Void> charge(Invocation invocation, ExecutionUsage used) {
        if (invocation == null || invocation.mode != Invocation.Mode.ASYNC || used == null) {
            return Uni.createFrom().voidItem();
        }
        return quotas.charge(
                invocation.toolId,
                invocation.caller,
                used.cpuMs(),
                EgressSummary.totalBytes(invocation.egress),
                invocation.finishedAt);
    }

    private Uni<Void> count(Run run) {
        return usage.record(
                run.tool(),
                run.caller(),
                run.success(),
                run.status(),
                run.latencyMs(),
                run.cpuMs(),
                run.peakMemoryBytes(),
                run.at());
    }

    /** What usage counts of a run, from either result event. */
    private record Run(
            UUID invocationId,
            String tool,
            String caller,
            boolean success,
            String status,
            long latencyMs,
            ExecutionUsage usage,
            Instant finishedAt) {

        static Run of(ToolInvocationCompleted done) {
            return new Run(
                    done.invocationId(),
                    done.toolName(),
                    done.caller(),
                    true,
                    done.status(),
                    done.latencyMs(),
                    done.usage(),
                    done.finishedAt());
        }

        static Run of(ToolInvocationFailed failed) {
            return new Run(
                    failed.invocationId(),
                    failed.toolName(),
                    failed.caller(),
                    false,
                    failed.status(),
                    failed.latencyMs(),
                    failed.usage(),
                    failed.finishedAt());
        }

        long cpuMs() {
            return usage == null ? 0 : usage.cpuMs();
        }

        long peakMemoryBytes() {
            return usage == null ? 0 : usage.peakMemoryBytes();
        }

        /** When it finished; now, for an event that does not say. */
        Instant at() {
            return finishedAt == null ? Instant.now() : finishedAt;
        }
    }
}
