package ai.prometheus.registry.audit;

import ai.prometheus.shared.platform.postgres.SqlPart;
import ai.prometheus.shared.platform.tracing.TraceContext;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Writes the audit log. An allowed action is recorded in the same transaction as the change it
 * allows (both or neither); a denial is committed on its own, because the request it refuses
 * fails and rolls back everything else.
 */
@ApplicationScoped
public class AuditTrail {

    public static final String REGISTER = "tool.register";
    public static final String UPDATE = "tool.update";
    public static final String DELETE = "tool.delete";
    public static final String STATUS = "tool.status";
    public static final String PERMISSIONS = "tool.permissions";
    public static final String INVOKE = "tool.invoke";
    public static final String CANCEL = "tool.invoke.cancel";
    public static final String SECRET_SET = "tool.secret.set";
    public static final String SECRET_DELETE = "tool.secret.delete";
    public static final String SECRET_DELIVER = "tool.secret.deliver";
    public static final String LIMITS = "tool.limits";

    private final AuditRepository entries;
    private final ObjectMapper json;

    public AuditTrail(AuditRepository entries, ObjectMapper json) {
        this.entries = entries;
        this.json = json;
    }

    /** Records an allowed action; must run inside the transaction of the action itself. */
    public Uni<Void> allowed(Caller caller, String action, String tool, String reason, JsonNode details) {
        AuditEntry entry = entry(caller.subject(), caller.kind().name(), action, tool, reason, details);
        entry.decision = "ALLOW";
        return entries.persist(entry).replaceWithVoid();
    }

    /** Records an action taken by the platform itself (e.g. a remediation), inside its transaction. */
    public Uni<Void> system(String actor, String action, String tool, String reason, JsonNode details) {
        AuditEntry entry = entry(actor, "SERVICE", action, tool, reason, details);
        entry.decision = "ALLOW";
        return entries.persist(entry).replaceWithVoid();
    }

    /** Records a refusal, committed at once whatever happens to the request. */
    public Uni<Void> denied(Caller caller, String action, String tool, String reason, JsonNode details) {
        return now(caller, action, tool, "DENY", reason, details);
    }

    /**
     * Records an allowed action that is not itself a database change of this service (running a
     * tool), committed at once, before the action, so no run goes unrecorded.
     */
    public Uni<Void> allowedNow(Caller caller, String action, String tool, String reason, JsonNode details) {
        return now(caller, action, tool, "ALLOW", reason, details);
    }

    /**
     * As {@link #allowedNow}, as a statement to compose with another (see {@link SqlPart}),
     * parameters numbered from {@code first}, written only when {@code condition} holds.
     */
    public SqlPart allowedPart(
            Caller caller, String action, String tool, String reason, JsonNode details, int first, String condition) {
        return entries.insertPart(callerEntry(caller, action, tool, "ALLOW", reason, details), first, condition);
    }

    private Uni<Void> now(Caller caller, String action, String tool, String decision, String reason, JsonNode details) {
        return entries.insertNow(callerEntry(caller, action, tool, decision, reason, details));
    }

    private AuditEntry callerEntry(
            Caller caller, String action, String tool, String decision, String reason, JsonNode details) {
        AuditEntry entry = entry(
                caller.isAnonymous() ? "anonymous" : caller.subject(),
                caller.kind().name(),
                action,
                tool,
                reason,
                details);
        entry.decision = decision;
        return entry;
    }

    public ObjectNode details() {
        return json.createObjectNode();
    }

    private AuditEntry entry(String actor, String kind, String action, String tool, String reason, JsonNode details) {
        AuditEntry entry = new AuditEntry();
        entry.id = UUID.randomUUID();
        entry.at = OffsetDateTime.now(ZoneOffset.UTC);
        entry.actor = actor;
        entry.actorKind = kind;
        entry.action = action;
        entry.toolName = tool;
        entry.reason = reason;
        entry.details = details == null ? json.createObjectNode() : details;
        entry.traceId = TraceContext.currentTraceId();
        return entry;
    }
}
