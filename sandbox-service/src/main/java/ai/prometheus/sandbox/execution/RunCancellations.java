package ai.prometheus.sandbox.execution;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.runtime.RunWatch;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.postgres.PostgresChangeFeed;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Cancelling asynchronous tool invocations across replicas. A request is stored in
 * {@code run_cancellations}, whose trigger notifies every replica at commit; the replica holding
 * the invocation's run (registered here while it goes) kills it, and the run ends
 * {@code CANCELLED}. A run registered after the notification went by finds the stored request
 * when it registers; one whose replica missed the notification, on the next poll.
 */
@ApplicationScoped
public class RunCancellations {

    private static final Logger LOG = Logger.getLogger(RunCancellations.class);

    private final ExecutionRepository executions;
    private final RunCancellationRepository cancellations;
    private final SandboxConfig config;
    private final PostgresChangeFeed feed;
    /** The invocations this replica is running (or about to), by invocation id. */
    private final Map<UUID, Live> live = new ConcurrentHashMap<>();

    /** A run this replica holds: its watch, and whose it is (a hold stops only its owner's run). */
    private record Live(RunWatch watch, String principal, String onBehalfOf) {}

    /** What the trigger sends: the request's invocation, requester and whether it is a hold. */
    private record Notice(UUID invocationId, String requestedBy, boolean held) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    public RunCancellations(
            ExecutionRepository executions,
            RunCancellationRepository cancellations,
            SandboxConfig config,
            ServiceConfig service) {
        this.executions = executions;
        this.cancellations = cancellations;
        this.config = config;
        this.feed = new PostgresChangeFeed("run_cancellations_" + service.schema(), "run-cancellations");
    }

    void start(@Observes StartupEvent startup) {
        feed.stream()
                .subscribe()
                .with(
                        this::cancelHere,
                        failure -> LOG.warnf("The run cancellation feed ended: %s", failure.getMessage()));
        feed.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        feed.close();
    }

    /**
     * Asks for the invocation's run to stop, as {@code caller}: 404 when the invocation is not the
     * caller's (as its result is), its final status when it already ended (nothing is stored then),
     * {@code CANCELLING} otherwise. An invocation this sandbox has not received yet (its request
     * still queued) is held for the caller: when it arrives as theirs, it does not run. Only an
     * administrator, who has no runs of their own to hold, gets 404 for an unknown id. Repeating it
     * is harmless.
     */
    public Uni<RunCancellationView> request(Caller caller, UUID invocationId) {
        String owner = ExecutionResource.visibleTo(caller);
        return Panache.withTransaction(() -> executions
                .findByInvocation(invocationId)
                .chain(row -> {
                    if (row == null && owner != null) {
                        return cancellations
                                .hold(invocationId, owner, OffsetDateTime.now(ZoneOffset.UTC))
                                .replaceWith(new RunCancellationView(invocationId, RunCancellationView.CANCELLING));
                    }
                    if (row == null
                            || (owner != null && !owner.equals(row.principal) && !owner.equals(row.onBehalfOf))) {
                        return Uni.createFrom().failure(ProblemException.notFound("invocation", invocationId));
                    }
                    if (!row.running()) {
                        return Uni.createFrom().item(new RunCancellationView(invocationId, row.status));
                    }
                    return cancellations
                            .request(invocationId, caller.subject(), OffsetDateTime.now(ZoneOffset.UTC))
                            .replaceWith(new RunCancellationView(invocationId, RunCancellationView.CANCELLING));
                }));
    }

    /**
     * Registers the run of {@code invocationId} (of {@code principal}, on behalf of
     * {@code onBehalfOf}) on this replica, until {@link #release}: the watch to run it with, already
     * cancelled if a request, or its owner's hold, came before it registered.
     */
    public Uni<RunWatch> watch(UUID invocationId, String principal, String onBehalfOf) {
        return watch(invocationId, principal, onBehalfOf, null);
    }

    /** As {@link #watch(UUID, String, String)}, with {@code events} (null: nobody) hearing the run's events. */
    public Uni<RunWatch> watch(UUID invocationId, String principal, String onBehalfOf, Consumer<JsonNode> events) {
        RunWatch watch = RunWatch.cancellable(events);
        live.put(invocationId, new Live(watch, principal, onBehalfOf));
        return Panache.withSession(() -> cancellations.about(invocationId))
                .map(requests -> {
                    if (requests.stream().anyMatch(request -> request.stops(principal, onBehalfOf))) {
                        watch.cancel();
                    }
                    return watch;
                })
                .onFailure()
                .recoverWithItem(failure -> {
                    // Not knowing must not cost the run: a request made later still reaches it.
                    LOG.warnf("Could not check invocation %s for cancellation: %s", invocationId, failure.getMessage());
                    return watch;
                });
    }

    public void release(UUID invocationId) {
        live.remove(invocationId);
    }

    private void cancelHere(String payload) {
        Notice notice;
        try {
            notice = JSON.readValue(payload, Notice.class);
        } catch (IOException | IllegalArgumentException e) {
            return; // not a request's notice: nothing of ours
        }
        RunCancellation request = new RunCancellation();
        request.invocationId = notice.invocationId();
        request.requestedBy = notice.requestedBy();
        request.held = notice.held();
        cancelHere(request);
    }

    private void cancelHere(RunCancellation request) {
        Live run = request.invocationId == null ? null : live.get(request.invocationId);
        if (run != null && !run.watch().cancelled() && request.stops(run.principal(), run.onBehalfOf())) {
            LOG.infof("Cancelling the run of invocation %s at its caller's request", request.invocationId);
            run.watch().cancel();
        }
    }

    /**
     * Looks for requests about the runs this replica holds: a notification sent while the replica's
     * listening connection was down is never delivered, and without this its run would go on.
     */
    @Scheduled(
            every = "${sandbox.invocation.cancellation-poll-interval:5s}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> pollLive() {
        if (live.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<UUID> running = List.copyOf(live.keySet());
        return Panache.withSession(() -> cancellations.requestedAmong(running))
                .invoke(requested -> requested.forEach(this::cancelHere))
                .replaceWithVoid()
                .onFailure()
                .invoke(failure -> LOG.warnf("Looking for run cancellation requests failed: %s", failure.getMessage()))
                .onFailure()
                .recoverWithNull();
    }

    /** Deletes requests older than {@code sandbox.invocation.cancellation-retention}. */
    @Scheduled(
            every = "${sandbox.invocation.cancellation-cleanup-interval:1h}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> removeOld() {
        OffsetDateTime cutoff =
                OffsetDateTime.now(ZoneOffset.UTC).minus(config.invocation().cancellationRetention());
        return Panache.withTransaction(() -> cancellations.deleteBefore(cutoff))
                .invoke(deleted -> {
                    if (deleted > 0) {
                        LOG.debugf("Deleted %d old run cancellation requests", deleted);
                    }
                })
                .replaceWithVoid()
                .onFailure()
                .invoke(failure -> LOG.warnf("Deleting old run cancellation requests failed: %s", failure.getMessage()))
                .onFailure()
                .recoverWithNull();
    }
}
