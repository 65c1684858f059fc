package ai.prometheus.registry.invocation;

import ai.prometheus.registry.audit.AuditTrail;
import ai.prometheus.registry.permission.ToolAccess;
import ai.prometheus.registry.permission.ToolAction;
import ai.prometheus.registry.sandbox.SandboxClient;
import ai.prometheus.registry.tool.ToolRepository;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Stored invocations, read back and cancelled: {@code GET /invocations/{id}} and the MCP task
 * methods. Who may see one: its caller and the tool's managers, or, for a task, its caller alone.
 * Invoking is {@link InvocationService}'s job.
 */
@ApplicationScoped
public class InvocationQueries {

    private static final Logger LOG = Logger.getLogger(InvocationQueries.class);

    private final InvocationRepository invocations;
    private final ToolRepository tools;
    private final ToolAccess access;
    private final AuditTrail audit;
    private final SandboxClient sandbox;

    public InvocationQueries(
            InvocationRepository invocations,
            ToolRepository tools,
            ToolAccess access,
            AuditTrail audit,
            SandboxClient sandbox) {
        this.sandbox = sandbox;
        this.invocations = invocations;
        this.tools = tools;
        this.access = access;
        this.audit = audit;
    }

    /** An invocation the caller may see: its own, or any of a tool it manages. */
    public Uni<InvocationView> get(Caller caller, UUID id) {
        return Panache.withSession(
                () -> invocations.findById(id).chain(invocation -> visibleTo(caller, id, invocation)));
    }

    private Uni<InvocationView> visibleTo(Caller caller, UUID id, Invocation invocation) {
        if (invocation == null) {
            return Uni.createFrom().failure(ProblemException.notFound("invocation", id));
        }
        if (caller.isAdmin() || invocation.caller.equals(caller.subject())) {
            return Uni.createFrom().item(InvocationView.of(invocation));
        }
        return tools.findById(invocation.toolId).map(tool -> {
            if (tool == null
                    || !access.decide(caller, tool.ownership(), ToolAction.MANAGE)
                            .allowed()) {
                throw ProblemException.notFound("invocation", id);
            }
            return InvocationView.of(invocation);
        });
    }

    /**
     * One of the caller's own asynchronous invocations (an MCP task): bound to the token's subject
     * alone, not to the tool's managers, so a task id never reveals another caller's call.
     */
    public Uni<InvocationView> ownAsync(Caller caller, UUID id) {
        return Panache.withSession(() -> invocations.findById(id))
                .map(invocation -> InvocationView.of(ownAsync(caller, id, invocation)));
    }

    /** The caller's asynchronous invocations, newest first: one page of {@code size}. */
    public Uni<List<InvocationView>> ownAsync(Caller caller, int page, int size) {
        return Panache.withSession(() -> invocations
                        .find(
                                "caller = ?1 and mode = ?2",
                                Sort.descending("createdAt").and("id"),
                                caller.subject(),
                                Invocation.Mode.ASYNC)
                        .page(page, size)
                        .list())
                .map(found -> found.stream().map(InvocationView::of).toList());
    }

    /**
     * Cancels the caller's asynchronous invocation if it is still pending, and answers it as it is
     * then. Once that committed, the sandbox is told to stop the run (it ends CANCELLED there); its
     * result, when it comes, leaves the invocation cancelled (see InvocationResults) and counts in
     * usage and quotas for the work done until then.
     */
    public Uni<InvocationView> cancel(Caller caller, UUID id) {
        return Panache.withTransaction(() -> invocations.findById(id).map(found -> cancelled(caller, id, found)))
                .call(invocation -> invocation.status == Invocation.Status.CANCELLED
                        ? audit.allowedNow(
                                        caller,
                                        AuditTrail.CANCEL,
                                        invocation.toolName,
                                        "the invocation's caller",
                                        audit.details().put("invocation", id.toString()))
                                .chain(() -> stopRun(id))
                        : Uni.createFrom().voidItem())
                .map(InvocationView::of);
    }

    /**
     * Asks the sandbox to stop the run. Its failure never fails the cancel: the record stays
     * cancelled and a result that still comes is not kept. Repeated for an invocation cancelled
     * before, which is harmless there and a second chance after a failed first try.
     */
    private Uni<Void> stopRun(UUID id) {
        return sandbox.cancelInvocation(id)
                .invoke(answer ->
                        LOG.debugf("The sandbox answered the cancel of invocation %s: %s", id, answer.status()))
                .replaceWithVoid()
                .onFailure()
                .recoverWithUni(failure -> {
                    // Unreachable, or refused: the record stays cancelled and a later result is discarded.
                    LOG.warnf("The sandbox could not be told to stop invocation %s: %s", id, failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /** The caller's own invocation, cancelled if still pending (committed with the transaction around it). */
    private static Invocation cancelled(Caller caller, UUID id, Invocation found) {
        Invocation invocation = ownAsync(caller, id, found);
        if (invocation.status == Invocation.Status.PENDING) {
            invocation.status = Invocation.Status.CANCELLED;
            invocation.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
            invocation.errorMessage = "cancelled by its caller";
        }
        return invocation;
    }

    private static Invocation ownAsync(Caller caller, UUID id, Invocation invocation) {
        if (invocation == null
                || invocation.mode != Invocation.Mode.ASYNC
                || !invocation.caller.equals(caller.subject())) {
            throw ProblemException.notFound("invocation", id);
        }
        return invocation;
    }
}
