package ai.prometheus.registry.tool;

import ai.prometheus.registry.audit.AuditTrail;
import ai.prometheus.registry.permission.AccessDecision;
import ai.prometheus.registry.permission.ToolAccess;
import ai.prometheus.registry.permission.ToolAcl;
import ai.prometheus.registry.permission.ToolAction;
import ai.prometheus.registry.permission.ToolOwnership;
import ai.prometheus.registry.schema.FunctionSignatures;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.sandbox.ExecutionLimits;
import ai.prometheus.shared.sandbox.NetworkPolicy;
import ai.prometheus.shared.secret.SecretNames;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * Registering, reading, updating, deleting and switching tools on and off. Every change is a
 * decision of {@link ToolAccess}, and every decision about a change is audited.
 *
 * <p>Size: ~390 lines because every change to a tool follows one rule (the {@link ToolAccess}
 * decision, its audit record, then the versioned change), kept in one class so no path can skip it;
 * split registration and versions from status and permissions if it grows.
 */
@ApplicationScoped
public class ToolService {

    private final ToolRepository tools;
    private final ToolVersionRepository versions;
    private final ToolAccess access;
    private final AuditTrail audit;
    private final FunctionSignatures signatures;
    private final ToolReadCache readCache;

    public ToolService(
            ToolRepository tools,
            ToolVersionRepository versions,
            ToolAccess access,
            AuditTrail audit,
            FunctionSignatures signatures,
            ToolReadCache readCache) {
        this.tools = tools;
        this.versions = versions;
        this.access = access;
        this.audit = audit;
        this.signatures = signatures;
        this.readCache = readCache;
    }

    @WithTransaction
    public Uni<ToolViews.Detail> register(Caller caller, ToolRequests.Register request) {
        // Field constraints (name, language, sizes) were checked with the body; the signature, the
        // network policy and the secret names are checked here.
        List<FieldError> problems =
                definitionProblems(request.functionSignature(), request.implementation(), request.mcp());
        if (!problems.isEmpty()) {
            return Uni.createFrom().failure(ProblemException.invalid(problems));
        }
        return tools.findLive(request.name()).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom()
                        .failure(
                                ProblemException.conflict("a tool named '" + request.name() + "' already exists (owner "
                                        + existing.owner + "); update it with PUT or choose another name"));
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            Tool tool = new Tool();
            tool.id = UUID.randomUUID();
            tool.name = request.name();
            tool.owner = caller.subject();
            tool.permissions = request.permissions() == null ? ToolAcl.DEFAULT : request.permissions();
            tool.status = ToolStatus.ACTIVE;
            tool.createdAt = now;
            ToolVersion version = newVersion(
                    tool,
                    1,
                    request.description(),
                    request.tags(),
                    request.functionSignature(),
                    request.implementation(),
                    request.mcp(),
                    caller.subject(),
                    now);
            pointAt(tool, version);
            ObjectNode details = audit.details().put("version", 1).put("fingerprint", version.fingerprint);
            return tools.persist(tool)
                    .chain(() -> versions.persist(version))
                    .chain(() ->
                            audit.allowed(caller, AuditTrail.REGISTER, tool.name, "registered by its owner", details))
                    .map(ignored -> ToolViews.detail(tool, version, List.of(version), true));
        });
    }

    @WithTransaction
    public Uni<ToolViews.Detail> update(Caller caller, String name, ToolRequests.Update request) {
        List<FieldError> problems =
                definitionProblems(request.functionSignature(), request.implementation(), request.mcp());
        if (!problems.isEmpty()) {
            return Uni.createFrom().failure(ProblemException.invalid(problems));
        }
        return authorized(caller, name, ToolAction.MANAGE, AuditTrail.UPDATE)
                .chain(tool -> versions.version(tool.id, tool.currentVersion)
                        .chain(current -> addVersion(caller, name, tool, current, request)));
    }

    /** A new version of the definition, unless it is the current one again. */
    private Uni<ToolViews.Detail> addVersion(
            Caller caller, String name, Tool tool, ToolVersion current, ToolRequests.Update request) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        ToolVersion next = newVersion(
                tool,
                tool.currentVersion + 1,
                request.description(),
                request.tags(),
                request.functionSignature(),
                request.implementation(),
                request.mcp(),
                caller.subject(),
                now);
        if (sameDefinition(current, next)) {
            // Nothing changed: no new version, so pinned fingerprints and caches stay valid.
            return versions.versions(tool.id).map(all -> ToolViews.detail(tool, current, all, true));
        }
        pointAt(tool, next);
        ObjectNode details = audit.details()
                .put("fromVersion", current.version)
                .put("toVersion", next.version)
                .put("fingerprint", next.fingerprint);
        return versions.persist(next)
                .chain(() -> audit.allowed(caller, AuditTrail.UPDATE, name, accessReason(caller, tool), details))
                .chain(() -> versions.versions(tool.id))
                .map(all -> ToolViews.detail(tool, next, all, true));
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String name) {
        return authorized(caller, name, ToolAction.MANAGE, AuditTrail.DELETE).chain(tool -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            tool.status = ToolStatus.DELETED;
            tool.deletedAt = now;
            tool.updatedAt = now;
            tool.statusReason = "deleted by " + caller.subject();
            return audit.allowed(
                    caller,
                    AuditTrail.DELETE,
                    name,
                    accessReason(caller, tool),
                    audit.details().put("version", tool.currentVersion));
        });
    }

    @WithTransaction
    public Uni<ToolViews.Detail> changeStatus(Caller caller, String name, ToolRequests.StatusChange change) {
        if (change.status() == ToolStatus.DELETED) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "status", "must be ACTIVE or DISABLED; delete a tool with DELETE /api/v1/tools/{name}"));
        }
        return authorized(caller, name, ToolAction.MANAGE, AuditTrail.STATUS).chain(tool -> {
            ToolStatus before = tool.status;
            applyStatus(tool, change.status(), change.reason(), caller.subject());
            ObjectNode details = audit.details().put("from", before.name()).put("to", tool.status.name());
            if (tool.statusReason != null) {
                details.put("statusReason", tool.statusReason);
            }
            return audit.allowed(caller, AuditTrail.STATUS, name, accessReason(caller, tool), details)
                    .chain(() -> detail(tool, true));
        });
    }

    @WithTransaction
    public Uni<ToolAcl> changePermissions(Caller caller, String name, ToolAcl acl) {
        return authorized(caller, name, ToolAction.MANAGE, AuditTrail.PERMISSIONS)
                .chain(tool -> {
                    ObjectNode details = audit.details();
                    details.putPOJO("before", tool.permissions);
                    details.putPOJO("after", acl);
                    tool.permissions = acl;
                    tool.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
                    return audit.allowed(caller, AuditTrail.PERMISSIONS, name, accessReason(caller, tool), details)
                            .replaceWith(acl);
                });
    }

    @WithSession
    public Uni<ToolAcl> permissions(Caller caller, String name) {
        return authorized(caller, name, ToolAction.MANAGE, null).map(tool -> tool.permissions);
    }

    /**
     * A tool as its reader sees it, as JSON; {@code includeDeleted} finds the latest deleted one of
     * that name. The tool comes through {@link ToolReadCache}; the caller's access is decided on
     * every read: 404 to those who may not read it, the ACL only to those who may manage it.
     */
    public Uni<byte[]> read(Caller caller, String name, boolean includeDeleted) {
        return readCache
                .get(name, includeDeleted, () -> Panache.withSession(() -> stored(name, includeDeleted)))
                .chain(found -> {
                    ToolOwnership ownership = found.ownership();
                    if (ownership == null
                            || !access.decide(caller, ownership, ToolAction.READ)
                                    .allowed()) {
                        return Uni.createFrom().failure(ProblemException.notFound("tool", name));
                    }
                    boolean manager =
                            access.decide(caller, ownership, ToolAction.MANAGE).allowed();
                    return Uni.createFrom().item(manager ? found.withAcl() : found.withoutAcl());
                });
    }

    /** The tool's detail with its ACL as stored now (else with {@code includeDeleted} the latest deleted); null: none. */
    private Uni<ToolViews.Detail> stored(String name, boolean includeDeleted) {
        Uni<Tool> found = tools.findLive(name)
                .chain(tool ->
                        tool != null || !includeDeleted ? Uni.createFrom().item(tool) : tools.findDeleted(name));
        return found.chain(tool -> tool == null ? Uni.createFrom().<ToolViews.Detail>nullItem() : detail(tool, true));
    }

    @WithSession
    public Uni<ToolViews.Version> readVersion(Caller caller, String name, int version) {
        return authorized(caller, name, ToolAction.READ, null)
                .chain(tool -> versions.version(tool.id, version))
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("version", name + "@" + version))
                .map(ToolViews::version);
    }

    /**
     * The live tool {@code name} if the caller may do {@code action} with it. A refusal is audited
     * (when {@code auditAction} is set) and answered 403, or 404 to callers who may not even see
     * the tool, so names do not leak.
     */
    public Uni<Tool> authorized(Caller caller, String name, ToolAction action, String auditAction) {
        return tools.findLive(name)
                .chain(tool -> authorize(caller, name, tool == null ? null : tool.ownership(), action, auditAction)
                        .replaceWith(tool));
    }

    /**
     * The same decision over a live tool already read ({@code ownership}; null when there is none):
     * the reason it is allowed, or the audited 403/404.
     */
    public Uni<String> authorize(
            Caller caller, String name, ToolOwnership ownership, ToolAction action, String auditAction) {
        if (ownership == null) {
            return Uni.createFrom().failure(ProblemException.notFound("tool", name));
        }
        AccessDecision decision = access.decide(caller, ownership, action);
        if (decision.allowed()) {
            return Uni.createFrom().item(decision.reason());
        }
        boolean visible = action != ToolAction.READ
                && access.decide(caller, ownership, ToolAction.READ).allowed();
        Uni<Void> audited = auditAction == null
                ? Uni.createFrom().voidItem()
                : audit.denied(caller, auditAction, name, decision.reason(), null);
        return audited.chain(() -> Uni.createFrom()
                .failure(
                        visible
                                ? ProblemException.forbidden(decision.reason())
                                : ProblemException.notFound("tool", name)));
    }

    /**
     * What is wrong with a definition beyond its field constraints: the signature, the network
     * policy and the declared secret names.
     */
    private List<FieldError> definitionProblems(
            JsonNode signature, ToolRequests.Implementation implementation, ToolMcpMetadata mcp) {
        List<FieldError> problems = new ArrayList<>(signatures.problemsWith(signature, "functionSignature"));
        if (mcp != null) {
            problems.addAll(mcp.problems(signatures));
        }
        if (implementation.network() != null) {
            implementation
                    .network()
                    .violations()
                    .forEach(violation -> problems.add(
                            new FieldError(violation.field("implementation.network"), violation.reason())));
        }
        List<String> secrets = implementation.secrets() == null ? List.of() : implementation.secrets();
        for (int i = 0; i < secrets.size(); i++) {
            if (!SecretNames.valid(secrets.get(i))) {
                problems.add(new FieldError("implementation.secrets[" + i + "]", SecretNames.RULE));
            }
        }
        return problems;
    }

    /** Applies a status from any source (an owner, an operator, a guardian rule). */
    static void applyStatus(Tool tool, ToolStatus status, String reason, String by) {
        tool.status = status;
        tool.statusReason = status == ToolStatus.DISABLED
                ? (reason == null || reason.isBlank() ? "disabled by " + by : reason)
                : null;
        tool.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
    }

    private String accessReason(Caller caller, Tool tool) {
        return access.decide(caller, tool.ownership(), ToolAction.MANAGE).reason();
    }

    private Uni<ToolViews.Detail> detail(Tool tool, boolean showAcl) {
        return versions.versions(tool.id).map(all -> {
            ToolVersion current = all.stream()
                    .filter(v -> v.version == tool.currentVersion)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("tool " + tool.name + " lacks its current version"));
            return ToolViews.detail(tool, current, all, showAcl);
        });
    }

    /** Builds version {@code number} of {@code tool}; the tool itself is untouched. */
    private static ToolVersion newVersion(
            Tool tool,
            int number,
            String description,
            List<String> tags,
            JsonNode signature,
            ToolRequests.Implementation implementation,
            ToolMcpMetadata mcp,
            String by,
            OffsetDateTime now) {
        ToolVersion version = new ToolVersion();
        version.id = UUID.randomUUID();
        version.toolId = tool.id;
        version.version = number;
        version.description = description;
        version.tags = normalizeTags(tags);
        version.functionSignature = signature;
        version.language = implementation.language();
        version.code = implementation.code();
        version.limits = implementation.limits() == null ? ExecutionLimits.DEFAULTS : implementation.limits();
        version.network = NetworkPolicy.grantsAny(implementation.network())
                ? implementation.network().canonical()
                : null;
        version.secrets = implementation.secrets() == null
                ? new String[0]
                : new LinkedHashSet<>(implementation.secrets()).toArray(String[]::new);
        version.fingerprint =
                Fingerprints.of(tool.name, description, signature, version.language, version.code, version.network);
        version.mcp = ToolMcpMetadata.stored(mcp, version.network);
        version.createdAt = now;
        version.createdBy = by;
        return version;
    }

    /** Makes {@code tool} point at {@code version}, mirroring what discovery reads. */
    private static void pointAt(Tool tool, ToolVersion version) {
        tool.description = version.description;
        tool.tags = version.tags;
        tool.functionSignature = version.functionSignature;
        tool.mcp = version.mcp;
        tool.language = version.language;
        tool.fingerprint = version.fingerprint;
        tool.currentVersion = version.version;
        tool.updatedAt = version.createdAt;
    }

    private static boolean sameDefinition(ToolVersion a, ToolVersion b) {
        return a.fingerprint.equals(b.fingerprint)
                && Arrays.equals(a.tags, b.tags)
                && Objects.equals(a.limits, b.limits)
                && Arrays.equals(a.secrets, b.secrets)
                && Objects.equals(a.mcp, b.mcp);
    }

    static String[] normalizeTags(List<String> tags) {
        if (tags == null) {
            return new String[0];
        }
        LinkedHashSet<String> normalized = new LinkedHashSet<>();
        for (String tag : tags) {
            normalized.add(tag.trim().toLowerCase(Locale.ROOT));
        }
        return normalized.toArray(String[]::new);
    }
}
