package ai.prometheus.sandbox.session;

import ai.prometheus.sandbox.execution.ExecutionRecords;
import ai.prometheus.sandbox.execution.ExecutionService;
import ai.prometheus.sandbox.execution.RunRequest;
import ai.prometheus.sandbox.runtime.RunLimits;
import ai.prometheus.shared.problem.Problem;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Sessions: persistent workspaces that several runs share, with the same limits per run plus a
 * workspace quota, removed after an idle period. One thing happens in a session at a time (a run
 * or a file operation), so host-side file handling never races with sandboxed code.
 */
@ApplicationScoped
public class SessionService {

    private static final Logger LOG = Logger.getLogger(SessionService.class);
    private static final int CLEANUP_BATCH = 100;

    private final SessionRepository sessions;
    private final SessionStorage storage;
    private final ExecutionService executions;
    private final SessionConfig config;
    private final Vertx vertx;
    private final Set<UUID> busy = ConcurrentHashMap.newKeySet();

    public SessionService(
            SessionRepository sessions,
            SessionStorage storage,
            ExecutionService executions,
            SessionConfig config,
            Vertx vertx) {
        this.sessions = sessions;
        this.storage = storage;
        this.executions = executions;
        this.config = config;
        this.vertx = vertx;
    }

    /** Who is asking, and whether they may see every session. */
    public record Requester(ExecutionRecords.Actor actor, boolean admin) {
        String owner() {
            return actor.onBehalfOf() != null ? actor.onBehalfOf() : actor.principal();
        }
    }

    public Uni<SessionView> create(Requester requester, Integer quotaMb, Long idleTtlSeconds) {
        List<Problem.FieldError> errors = new ArrayList<>();
        long quota = quotaMb == null ? config.defaultQuotaMb() : quotaMb;
        if (quota < 1 || quota > config.maxQuotaMb()) {
            errors.add(new Problem.FieldError("quotaMb", "must be between 1 and " + config.maxQuotaMb()));
        }
        long ttl = idleTtlSeconds == null ? config.defaultIdleTtl().toSeconds() : idleTtlSeconds;
        if (ttl < 1 || ttl > config.maxIdleTtl().toSeconds()) {
            errors.add(new Problem.FieldError(
                    "idleTtlSeconds",
                    "must be between 1 and " + config.maxIdleTtl().toSeconds()));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ProblemException.invalid(errors));
        }
        SandboxSession session = new SandboxSession();
        session.id = UUID.randomUUID();
        session.owner = requester.owner();
        session.principal = requester.actor().principal();
        session.onBehalfOf = requester.actor().onBehalfOf();
        session.quotaBytes = quota * RunLimits.MIB;
        session.idleTtlSeconds = (int) ttl;
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        session.createdAt = now;
        session.touch(now);
        return Panache.withTransaction(() -> sessions.countOwnedBy(session.owner)
                        .chain(count -> {
                            if (count >= config.maxPerOwner()) {
                                return Uni.createFrom()
                                        .failure(ProblemException.conflict(session.owner + " already holds "
                                                + config.maxPerOwner() + " sessions; delete one first"));
                            }
                            // The workspace exists before the row commits; a failed commit leaves an orphan the cleanup
                            // removes.
                            return blocking(() -> {
                                        storage.create(session.id, session.quotaBytes);
                                        return session;
                                    })
                                    .chain(sessions::persist);
                        }))
                .map(saved -> SessionView.of(saved, 0L, 0));
    }

    public Uni<List<SessionView>> list(Requester requester, int offset, int limit) {
        return Panache.withSession(() -> sessions.ownedBy(requester.owner(), offset, limit))
                .map(found -> found.stream()
                        .map(session -> SessionView.of(session, null, null))
                        .toList());
    }

    public Uni<SessionView> get(Requester requester, UUID id) {
        return owned(requester, id)
                .chain(session -> blocking(() -> {
                    SessionStorage.Usage usage = storage.usage(id);
                    return SessionView.of(session, usage.bytes(), usage.entries());
                }));
    }

    public Uni<Void> delete(Requester requester, UUID id) {
        return exclusive(
                        id,
                        () -> owned(requester, id)
                                .chain(session -> Panache.withTransaction(() -> sessions.deleteById(id)))
                                .chain(() -> blocking(() -> {
                                    storage.delete(id);
                                    return null;
                                })))
                .replaceWithVoid();
    }

    public Uni<List<SessionFile>> files(Requester requester, UUID id) {
        return exclusive(id, () -> used(requester, id).chain(session -> blocking(() -> storage.list(id))));
    }

    public Uni<byte[]> download(Requester requester, UUID id, String path) {
        return exclusive(id, () -> used(requester, id).chain(session -> blocking(() -> storage.read(id, path))));
    }

    public Uni<SessionFile> upload(Requester requester, UUID id, String path, byte[] content) {
        return exclusive(
                id,
                () -> used(requester, id)
                        .chain(session -> blocking(
                                () -> storage.write(id, path, content, session.quotaBytes, config.maxFiles()))));
    }

    public Uni<Void> deleteFile(Requester requester, UUID id, String path) {
        return exclusive(
                        id,
                        () -> used(requester, id)
                                .chain(session -> blocking(() -> {
                                    storage.delete(id, path);
                                    return null;
                                })))
                .replaceWithVoid();
    }

    /** Runs code with the session's workspace at /workspace; the run counts against the workspace quota. */
    public Uni<ExecutionService.Executed> run(Requester requester, UUID id, RunRequest request, String idempotencyKey) {
        return exclusive(
                id,
                () -> used(requester, id)
                        .chain(session -> blocking(() -> storage.runWorkspace(id, session.quotaBytes))
                                .chain(workspace -> {
                                    if (workspace.full()) {
                                        return Uni.createFrom()
                                                .failure(ProblemException.conflict("the workspace is at its quota of "
                                                        + session.quotaBytes + " bytes and " + config.maxFiles()
                                                        + " files; delete files before running"));
                                    }
                                    return executions.execute(
                                            request, requester.actor(), idempotencyKey, id, workspace);
                                }))
                        .call(executed -> executed.replayed()
                                ? Uni.createFrom().voidItem()
                                : Panache.withTransaction(() -> sessions.findById(id)
                                                .invoke(session -> {
                                                    if (session != null) {
                                                        session.runs++;
                                                        session.touch(OffsetDateTime.now(ZoneOffset.UTC));
                                                    }
                                                }))
                                        .replaceWithVoid()));
    }

    /** How long a workspace without a session row is left alone: its row may be about to commit. */
    static final java.time.Duration ORPHAN_GRACE = java.time.Duration.ofMinutes(2);

    /** Removes sessions idle past their expiry, and workspaces whose session is gone. */
    @Scheduled(
            every = "${sandbox.sessions.cleanup-interval:1m}",
            delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> removeExpired() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<UUID> removed = new ArrayList<>();
        return Panache.withTransaction(() -> sessions.lockExpired(now, CLEANUP_BATCH)
                        .chain(expired -> {
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            for (SandboxSession session : expired) {
                                // A session in use right now is not idle, whatever its row says.
                                if (busy.contains(session.id)) {
                                    continue;
                                }
                                removed.add(session.id);
                                chain = chain.chain(() -> sessions.delete(session));
                            }
                            return chain;
                        }))
                .chain(() -> Panache.withSession(
                        () -> sessions.findAll().project(IdOnly.class).list()))
                .chain(live -> blocking(() -> {
                    Set<UUID> known = new HashSet<>();
                    live.forEach(row -> known.add(row.id));
                    // The workspaces of the sessions that just expired go at once; other row-less
                    // ones only once settled (a session being created has no row yet).
                    removed.forEach(storage::delete);
                    for (UUID workspace : storage.workspaces()) {
                        if (!known.contains(workspace)
                                && !busy.contains(workspace)
                                && storage.unchangedFor(workspace, ORPHAN_GRACE)) {
                            storage.delete(workspace);
                        }
                    }
                    return null;
                }))
                .invoke(() -> removed.forEach(id -> LOG.infof("Session %s expired and was removed", id)))
                .onFailure()
                .invoke(failure -> LOG.warnf("Session cleanup failed: %s", failure.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** The id column alone, for the orphan check. */
    public record IdOnly(UUID id) {}

    private Uni<SandboxSession> owned(Requester requester, UUID id) {
        return Panache.withSession(() -> sessions.findById(id)).map(session -> {
            // Someone else's session is reported as missing, so ids reveal nothing.
            if (session == null || (!session.owner.equals(requester.owner()) && !requester.admin())) {
                throw ProblemException.notFound("session", id);
            }
            return session;
        });
    }

    /** An owned session whose workspace is here, with its idle clock restarted. */
    private Uni<SandboxSession> used(Requester requester, UUID id) {
        return owned(requester, id).chain(found -> {
            if (!storage.exists(id)) {
                return Uni.createFrom()
                        .failure(new ProblemException(
                                ProblemType.GONE,
                                "the workspace of session " + id
                                        + " is not on this replica (it was lost with the host it lived on)"));
            }
            return Panache.withTransaction(() -> sessions.findById(id).invoke(session -> {
                if (session != null) {
                    session.touch(OffsetDateTime.now(ZoneOffset.UTC));
                }
            }));
        });
    }

    private <T> Uni<T> exclusive(UUID id, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            if (!busy.add(id)) {
                return Uni.createFrom()
                        .failure(ProblemException.conflict("session " + id
                                + " is busy with another run or file operation; try again when it finished"));
            }
            return work.get().onTermination().invoke(() -> busy.remove(id));
        });
    }

    private <T> Uni<T> blocking(Supplier<T> work) {
        return vertx.executeBlocking(Uni.createFrom().item(work));
    }
}
