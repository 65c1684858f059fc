package ai.prometheus.sandbox.invocation;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.execution.Execution;
import ai.prometheus.sandbox.execution.ExecutionRepository;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.error.ErrorReporter;
import ai.prometheus.shared.platform.outbox.Outbox;
import ai.prometheus.shared.sandbox.ExecutionStatus;
import ai.prometheus.shared.sandbox.ExecutionUsage;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Ends runs that a stopped replica left RUNNING: once a row is past its wall limit plus the grace
 * period no sandbox can still be running it, so it is marked {@code INTERNAL_ERROR}, a tool
 * invocation gets its failed event (a platform fault), and the guardian hears of it. The code is
 * never run a second time.
 */
@ApplicationScoped
public class InterruptedRunReaper {

    private static final Logger LOG = Logger.getLogger(InterruptedRunReaper.class);
    static final String MESSAGE = "interrupted: the sandbox replica running it stopped before it finished";
    private static final int BATCH = 100;

    private final ExecutionRepository executions;
    private final InvocationEvents events;
    private final Outbox outbox;
    private final ErrorReporter errors;
    private final SandboxConfig config;

    public InterruptedRunReaper(
            ExecutionRepository executions,
            InvocationEvents events,
            Outbox outbox,
            ErrorReporter errors,
            SandboxConfig config) {
        this.executions = executions;
        this.events = events;
        this.outbox = outbox;
        this.errors = errors;
        this.config = config;
    }

    @Scheduled(
            every = "${sandbox.recovery.interval:30s}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reap() {
        long graceMs = config.recovery().grace().toMillis();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Execution> ended = new ArrayList<>();
        // Row locks serialize this with the run that may be finishing it, and with other replicas.
        return Panache.withTransaction(() -> executions
                        .lockRunningSince(now.minusNanos(graceMs * 1_000_000), BATCH)
                        .chain(candidates -> {
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            for (Execution row : candidates) {
                                if (row.startedAt
                                        .plusNanos((row.limitWallMs + graceMs) * 1_000_000)
                                        .isBefore(now)) {
                                    chain = chain.chain(() -> end(row, now, ended));
                                }
                            }
                            return chain;
                        }))
                .invoke(() -> log(ended))
                .onFailure()
                .invoke(failure -> LOG.warnf("Looking for interrupted runs failed: %s", failure.getMessage()))
                .onFailure()
                .recoverWithNull();
    }

    private Uni<Void> end(Execution row, OffsetDateTime now, List<Execution> ended) {
        row.status = ExecutionStatus.INTERNAL_ERROR.name();
        row.message = MESSAGE;
        row.finishedAt = now;
        ended.add(row);
        // Reported in the transaction that ends the row: once, and only if the row is really ended.
        Uni<Void> reported =
                errors.reportInTransaction("sandbox.interrupted", MESSAGE, null, InvocationService.attributes(row));
        if (row.invocationId == null) {
            return reported;
        }
        Instant startedAt = row.startedAt.toInstant();
        return outbox.add(
                        Topics.TOOL_INVOCATION_RESULTS,
                        events.failed(
                                row,
                                ExecutionStatus.INTERNAL_ERROR,
                                MESSAGE,
                                null,
                                new ExecutionUsage(0, 0, 0, 0),
                                now.toInstant().toEpochMilli() - startedAt.toEpochMilli(),
                                startedAt,
                                now.toInstant(),
                                null))
                .chain(() -> reported);
    }

    private static void log(List<Execution> ended) {
        for (Execution row : ended) {
            LOG.warnf(
                    "Execution %s (invocation %s) was interrupted by a stopped replica; answered as INTERNAL_ERROR",
                    row.id, row.invocationId);
        }
    }
}
