package ai.prometheus.registry.invocation;

import ai.prometheus.registry.audit.AuditTrail;
import ai.prometheus.registry.permission.AccessDecision;
import ai.prometheus.registry.permission.ToolAccess;
import ai.prometheus.registry.permission.ToolAction;
import ai.prometheus.registry.quota.QuotaLimits;
import ai.prometheus.registry.quota.QuotaService;
import ai.prometheus.registry.schema.FunctionSignatures;
import ai.prometheus.registry.secret.SecretService;
import ai.prometheus.registry.tool.Fingerprints;
import ai.prometheus.registry.tool.ToolService;
import ai.prometheus.registry.tool.ToolStatus;
import ai.prometheus.registry.tool.ToolVersion;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.secret.SecretRedaction;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Admission of an invocation: permission, status, fingerprint pin, arguments against the
 * signature, declared secrets, quotas, and the audit entry of the decision (a refusal's committed
 * on its own, an admission's before the run, so no run goes unrecorded).
 *
 * <p>Round trips. The tool's row, its quota row, an earlier invocation with the same id and the
 * audit entry are one statement ({@link AdmissionRepository}). This replica decides first against
 * the tool as it last read it (kept here with its row version) and the statement writes the entry
 * only if the row is still that version: one round trip and no Hibernate session for a tool
 * invoked here before, without quota or secrets. Otherwise (the first call here, a changed row, a
 * refusal, a quota, secrets) the statement's answer is decided afresh and the entry written
 * afterwards (with the quota's counters, in their transaction). The kept rows are never trusted
 * on their own: every admission is checked against the row's current version.
 */
@ApplicationScoped
public class Admission {

    static final int KNOWN_TOOLS = 1_000;

    /** An admitted call. {@code secrets}: the values of those the version declares (synchronous path only). */
    record Admitted(InvocableTool tool, ToolVersion version, JsonNode arguments, Map<String, String> secrets) {

        SecretRedaction redaction() {
            return SecretRedaction.of(secrets);
        }
    }

    /** Either the call admitted, or the earlier invocation with its id (a repeated Idempotency-Key). */
    record Outcome(Admitted admitted, Invocation earlier) {}

    private final AdmissionRepository repository;
    private final InvocationRepository invocations;
    private final ToolService tools;
    private final ToolAccess access;
    private final FunctionSignatures signatures;
    private final VersionCache versions;
    private final SecretService secrets;
    private final QuotaService quotas;
    private final AuditTrail audit;
    private final ObjectMapper json;
    private final Cache<String, InvocableTool> known =
            Caffeine.newBuilder().maximumSize(KNOWN_TOOLS).build();

    public Admission(
            AdmissionRepository repository,
            InvocationRepository invocations,
            ToolService tools,
            ToolAccess access,
            FunctionSignatures signatures,
            VersionCache versions,
            SecretService secrets,
            QuotaService quotas,
            AuditTrail audit,
            ObjectMapper json) {
        this.repository = repository;
        this.invocations = invocations;
        this.tools = tools;
        this.access = access;
        this.signatures = signatures;
        this.versions = versions;
        this.secrets = secrets;
        this.quotas = quotas;
        this.audit = audit;
        this.json = json;
    }

    /** Admits {@code caller}'s call of {@code name}; {@code earlierId}: the id a repeated key would have (null: no key). */
    Uni<Outcome> admit(Caller caller, String name, InvocationRequest request, UUID earlierId) {
        JsonNode arguments = request.arguments() == null ? json.createObjectNode() : request.arguments();
        InvocableTool seen = known.getIfPresent(name);
        AccessDecision decision = seen == null ? null : access.decide(caller, seen.ownership(), ToolAction.INVOKE);
        Admitted ready = decision == null || !decision.allowed() ? null : admissible(seen, request, arguments);
        AdmissionRepository.ConditionalInsert entry = ready == null
                ? null
                : (first, condition) -> audit.allowedPart(
                        caller,
                        AuditTrail.INVOKE,
                        name,
                        decision.reason(),
                        details(ready.version(), request),
                        first,
                        condition);
        return repository
                .admit(name, earlierId, ready == null ? null : seen.rowVersion(), entry)
                .chain(found -> {
                    if (found.audited()) {
                        return Uni.createFrom().item(new Outcome(ready, null));
                    }
                    Uni<Invocation> earlier = found.earlier()
                            ? Panache.withSession(() -> invocations.findById(earlierId))
                            : Uni.createFrom().nullItem();
                    return earlier.chain(invocation -> invocation != null
                            ? Uni.createFrom().item(new Outcome(null, invocation))
                            : decided(caller, name, request, arguments, current(name, seen, found.tool()))
                                    .call(admitted -> admitted(caller, admitted, request, found.quotaLimits()))
                                    .map(admitted -> new Outcome(admitted, null)));
                });
    }

    /** The call admitted against {@code tool} as kept, if nothing refuses it and it needs no more reads; else null. */
    private Admitted admissible(InvocableTool tool, InvocationRequest request, JsonNode arguments) {
        if (tool.status() != ToolStatus.ACTIVE
                || (request.fingerprint() != null && !Fingerprints.matches(request.fingerprint(), tool.fingerprint()))
                || !signatures
                        .violations(tool.functionSignature(), tool.fingerprint(), arguments)
                        .isEmpty()) {
            return null;
        }
        ToolVersion version = versions.cached(tool.id(), tool.currentVersion());
        return version == null || !version.secretNames().isEmpty()
                ? null
                : new Admitted(tool, version, arguments, Map.of());
    }

    /** The tool as read now (null: none live), kept for the next call. */
    private InvocableTool current(String name, InvocableTool seen, AdmissionRepository.ToolRow row) {
        if (row == null) {
            known.invalidate(name);
            return null;
        }
        if (seen != null && seen.rowVersion().equals(row.rowVersion())) {
            return seen;
        }
        InvocableTool tool = InvocableTool.of(row, json);
        known.put(name, tool);
        return tool;
    }

    /** Every check against the tool as read now; each refusal is audited. */
    private Uni<Admitted> decided(
            Caller caller, String name, InvocationRequest request, JsonNode arguments, InvocableTool tool) {
        return tools.authorize(
                        caller, name, tool == null ? null : tool.ownership(), ToolAction.INVOKE, AuditTrail.INVOKE)
                .chain(() -> refused(caller, name, request, arguments, tool))
                .chain(() -> Panache.withSession(() -> versions.version(tool.id(), tool.currentVersion())
                        .chain(version -> withSecrets(caller, tool, version, arguments))));
    }

    /** A disabled tool, a pin that no longer matches, or arguments outside the signature: the failure. */
    private Uni<Void> refused(
            Caller caller, String name, InvocationRequest request, JsonNode arguments, InvocableTool tool) {
        if (tool.status() == ToolStatus.DISABLED) {
            String reason = "tool '" + name + "' is disabled: " + tool.statusReason();
            return audit.denied(caller, AuditTrail.INVOKE, name, reason, null)
                    .chain(() -> Uni.createFrom()
                            .failure(new ProblemException(ProblemType.CONFLICT, "tool-disabled", reason)));
        }
        if (request.fingerprint() != null && !Fingerprints.matches(request.fingerprint(), tool.fingerprint())) {
            String reason = "tool '" + name + "' changed: its fingerprint is now " + tool.fingerprint() + " (version "
                    + tool.currentVersion() + "), not the pinned " + request.fingerprint();
            return audit.denied(
                            caller,
                            AuditTrail.INVOKE,
                            name,
                            reason,
                            audit.details().put("pinned", request.fingerprint()).put("current", tool.fingerprint()))
                    .chain(() -> Uni.createFrom()
                            .failure(new ProblemException(ProblemType.CONFLICT, "fingerprint-mismatch", reason)));
        }
        List<FieldError> violations = signatures.violations(tool.functionSignature(), tool.fingerprint(), arguments);
        if (!violations.isEmpty()) {
            return Uni.createFrom().failure(ProblemException.invalid(violations));
        }
        return Uni.createFrom().voidItem();
    }

    /** The declared secrets must all be set: a 409 naming the missing ones otherwise, audited as a denial. */
    private Uni<Admitted> withSecrets(Caller caller, InvocableTool tool, ToolVersion version, JsonNode arguments) {
        return secrets.valuesFor(tool.id(), tool.name(), version.secretNames())
                .map(values -> new Admitted(tool, version, arguments, values))
                .onFailure(ProblemException.class)
                .call(refusal -> audit.denied(caller, AuditTrail.INVOKE, tool.name(), refusal.getMessage(), null));
    }

    /**
     * The admission's audit entry; with quotas ({@code quotaLimits}, JSON; null: none), written in
     * the transaction that takes one call from them (last, so refused calls use none), and a 429
     * naming the limit, audited as a denial, when one is used up.
     */
    private Uni<Void> admitted(Caller caller, Admitted admitted, InvocationRequest request, String quotaLimits) {
        InvocableTool tool = admitted.tool();
        String reason =
                access.decide(caller, tool.ownership(), ToolAction.INVOKE).reason();
        ObjectNode details = details(admitted.version(), request);
        QuotaLimits limits = limits(tool, quotaLimits);
        if (limits.isEmpty()) {
            return audit.allowedNow(caller, AuditTrail.INVOKE, tool.name(), reason, details);
        }
        return quotas.admit(
                        caller,
                        tool.id(),
                        tool.name(),
                        limits,
                        audit.allowedPart(caller, AuditTrail.INVOKE, tool.name(), reason, details, 1, "true"))
                .onFailure(ProblemException.class)
                .call(refusal -> audit.denied(caller, AuditTrail.INVOKE, tool.name(), refusal.getMessage(), null));
    }

    private QuotaLimits limits(InvocableTool tool, String quotaLimits) {
        if (quotaLimits == null) {
            return QuotaLimits.NONE;
        }
        try {
            return json.readValue(quotaLimits, QuotaLimits.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tool " + tool.name() + " has unreadable quota limits", e);
        }
    }

    private ObjectNode details(ToolVersion version, InvocationRequest request) {
        return audit.details().put("version", version.version).put("mode", request.async() ? "async" : "sync");
    }
}
