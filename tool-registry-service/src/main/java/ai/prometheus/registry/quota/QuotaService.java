package ai.prometheus.registry.quota;

import ai.prometheus.registry.audit.AuditTrail;
import ai.prometheus.registry.permission.ToolAccess;
import ai.prometheus.registry.permission.ToolAction;
import ai.prometheus.registry.tool.Tool;
import ai.prometheus.registry.tool.ToolService;
import ai.prometheus.shared.platform.postgres.SqlPart;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import ai.prometheus.shared.security.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Quotas per tool, per caller and in total: set by the tool's managers, enforced on every
 * invocation across replicas through {@link QuotaCounters}, reported against their limits.
 */
@ApplicationScoped
public class QuotaService {

    static final String TOTAL = "*";
    static final String PER_CALLER = "perCaller";
    static final String ALL_CALLERS = "total";

    private final QuotaRepository quotas;
    private final QuotaCounters counters;
    private final ToolService tools;
    private final ToolAccess access;
    private final AuditTrail audit;

    public QuotaService(
            QuotaRepository quotas, QuotaCounters counters, ToolService tools, ToolAccess access, AuditTrail audit) {
        this.quotas = quotas;
        this.counters = counters;
        this.tools = tools;
        this.access = access;
        this.audit = audit;
    }

    /** Consumption of one limit in its current window. */
    public record LimitUsage(long limit, long used, long remaining, OffsetDateTime resetsAt) {}

    /** {@code GET .../limits/usage}: each set limit with what was used of it. */
    public record QuotaUsage(String caller, Map<String, LimitUsage> perCaller, Map<String, LimitUsage> total) {}

    static String callerSubject(String subject) {
        return "caller:" + subject;
    }

    @WithSession
    public Uni<QuotaLimits> limits(Caller caller, String toolName) {
        return tools.authorized(caller, toolName, ToolAction.READ, null).chain(tool -> limitsOf(tool.id));
    }

    @WithTransaction
    public Uni<QuotaLimits> set(Caller caller, String toolName, QuotaLimits limits) {
        return tools.authorized(caller, toolName, ToolAction.MANAGE, AuditTrail.LIMITS)
                .chain(tool ->
                        quotas.findById(tool.id).chain(existing -> store(caller, toolName, tool, limits, existing)));
    }

    private Uni<QuotaLimits> store(Caller caller, String toolName, Tool tool, QuotaLimits limits, Quota existing) {
        Quota quota = existing == null ? new Quota() : existing;
        QuotaLimits before = existing == null ? QuotaLimits.NONE : existing.limits;
        quota.toolId = tool.id;
        quota.limits = limits;
        quota.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
        quota.updatedBy = caller.subject();
        var details = audit.details();
        details.putPOJO("before", before);
        details.putPOJO("after", limits);
        return (existing == null
                        ? quotas.persist(quota).replaceWithVoid()
                        : Uni.createFrom().voidItem())
                .chain(() -> audit.allowed(
                        caller,
                        AuditTrail.LIMITS,
                        toolName,
                        access.decide(caller, tool.ownership(), ToolAction.MANAGE)
                                .reason(),
                        details))
                .replaceWith(limits);
    }

    /**
     * Admits one invocation of tool {@code toolId} ({@code toolName}) by {@code caller} against
     * {@code limits}, the tool's quotas, and writes {@code alongside} (the call's audit entry) in
     * the same transaction, so both commit or neither; fails with 429 {@code quota-exceeded}
     * naming the limit, with Retry-After. Outside any Hibernate session.
     */
    public Uni<Void> admit(Caller caller, UUID toolId, String toolName, QuotaLimits limits, SqlPart alongside) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<QuotaCounters.Check> budgets = new ArrayList<>();
        List<QuotaCounters.Check> calls = new ArrayList<>();
        for (QuotaMetric metric : QuotaMetric.values()) {
            add(
                    metric.countsCalls() ? calls : budgets,
                    PER_CALLER,
                    callerSubject(caller.subject()),
                    metric,
                    limits.perCaller());
            add(metric.countsCalls() ? calls : budgets, ALL_CALLERS, TOTAL, metric, limits.total());
        }
        return counters.admit(toolId, budgets, calls, now, alongside)
                .onFailure(QuotaCounters.Exhausted.class)
                .transform(e -> exceeded(toolName, (QuotaCounters.Exhausted) e, now));
    }

    /** Charges what a finished run used (CPU now; egress once the sandbox reports it). */
    public Uni<Void> charge(UUID toolId, String caller, long cpuMs, long egressBytes, OffsetDateTime at) {
        return counters.charge(
                toolId, caller, cpuMs, egressBytes, at == null ? OffsetDateTime.now(ZoneOffset.UTC) : at);
    }

    /**
     * As {@link #charge}, as one statement inside the caller's Hibernate Reactive transaction, so
     * the charge commits with the invocation it belongs to.
     */
    public Uni<Void> chargeInTransaction(UUID toolId, String caller, long cpuMs, long egressBytes, OffsetDateTime at) {
        return counters.chargeInSession(
                toolId, caller, cpuMs, egressBytes, at == null ? OffsetDateTime.now(ZoneOffset.UTC) : at);
    }

    /**
     * As {@link #charge}, as a statement to compose with the invocation's own write (see
     * {@link SqlPart}), parameters numbered from {@code first}; null when there is nothing to charge.
     */
    public SqlPart chargePart(UUID toolId, String caller, long cpuMs, long egressBytes, OffsetDateTime at, int first) {
        return counters.chargePart(
                toolId, caller, cpuMs, egressBytes, at == null ? OffsetDateTime.now(ZoneOffset.UTC) : at, first);
    }

    /** What {@code of} (the caller itself; any caller for the tool's managers) used of each limit. */
    @WithSession
    public Uni<QuotaUsage> usage(Caller caller, String toolName, String of) {
        return tools.authorized(caller, toolName, ToolAction.READ, null).chain(tool -> {
            String subject = of == null || of.isBlank() ? caller.subject() : of;
            if (!subject.equals(caller.subject())
                    && !access.decide(caller, tool.ownership(), ToolAction.MANAGE)
                            .allowed()) {
                return Uni.createFrom()
                        .failure(ProblemException.forbidden("only the tool's managers see other callers' quota usage"));
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            return limitsOf(tool.id)
                    .chain(limits -> counters.current(tool.id, List.of(callerSubject(subject), TOTAL), now)
                            .map(used -> new QuotaUsage(
                                    subject,
                                    report(
                                            limits.perCaller(),
                                            used.getOrDefault(callerSubject(subject), Map.of()),
                                            now),
                                    report(limits.total(), used.getOrDefault(TOTAL, Map.of()), now))));
        });
    }

    private Uni<QuotaLimits> limitsOf(UUID toolId) {
        return quotas.findById(toolId).map(quota -> quota == null ? QuotaLimits.NONE : quota.limits);
    }

    private static Map<String, LimitUsage> report(
            QuotaLimits.Limits limits, Map<String, Long> used, OffsetDateTime now) {
        Map<String, LimitUsage> report = new LinkedHashMap<>();
        for (QuotaMetric metric : QuotaMetric.values()) {
            Long limit = metric.limitIn(limits);
            if (limit != null) {
                long amount = used.getOrDefault(metric.counterKey(), 0L);
                long shownLimit = metric == QuotaMetric.CPU_SECONDS_PER_DAY ? limit / 1000 : limit;
                long shownUsed = metric == QuotaMetric.CPU_SECONDS_PER_DAY ? amount / 1000 : amount;
                report.put(
                        metric.field(),
                        new LimitUsage(
                                shownLimit, shownUsed, Math.max(0, shownLimit - shownUsed), metric.windowEnd(now)));
            }
        }
        return report;
    }

    private static void add(
            List<QuotaCounters.Check> checks,
            String scope,
            String subject,
            QuotaMetric metric,
            QuotaLimits.Limits limits) {
        Long limit = metric.limitIn(limits);
        if (limit != null) {
            checks.add(new QuotaCounters.Check(scope, subject, metric, limit));
        }
    }

    private static ProblemException exceeded(String toolName, QuotaCounters.Exhausted exhausted, OffsetDateTime now) {
        QuotaCounters.Check check = exhausted.check();
        QuotaMetric metric = check.metric();
        String limit = check.scope() + "." + metric.field();
        long shown = metric == QuotaMetric.CPU_SECONDS_PER_DAY ? check.limit() / 1000 : check.limit();
        long retryAfter = metric.retryAfterSeconds(now);
        String detail = "quota of tool '" + toolName + "' exceeded: " + limit + " is " + shown
                + (check.scope().equals(PER_CALLER) ? " for each caller" : " for all callers together")
                + "; it resets at " + metric.windowEnd(now) + " (in " + retryAfter + " s)";
        return new ProblemException(
                ProblemType.TOO_MANY_REQUESTS,
                "quota-exceeded",
                detail,
                List.of(new FieldError(limit, "limit " + shown + " reached")),
                Map.of("Retry-After", Long.toString(retryAfter)));
    }
}
