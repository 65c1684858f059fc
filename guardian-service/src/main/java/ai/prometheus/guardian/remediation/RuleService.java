package ai.prometheus.guardian.remediation;

import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.problem.ProblemException;
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

/** Creates, changes and deletes rules; the actions a deleted rule took stay on record. */
@ApplicationScoped
public class RuleService {

    static final int DEFAULT_THRESHOLD = 1;
    static final int DEFAULT_WINDOW_SECONDS = 300;
    static final int DEFAULT_COOLDOWN_SECONDS = 600;
    static final int DEFAULT_MAX_ATTEMPTS = 3;

    private final RuleRepository rules;
    private final ActionHandlers handlers;

    public RuleService(RuleRepository rules, ActionHandlers handlers) {
        this.rules = rules;
        this.handlers = handlers;
    }

    @WithTransaction
    public Uni<RemediationRule> create(RuleRequest request, String actor) {
        return checked(request)
                .chain(() -> rules.findByName(request.name().trim()).chain(existing -> {
                    if (existing != null) {
                        throw ProblemException.conflict(
                                "a rule named '" + request.name().trim() + "' exists already");
                    }
                    RemediationRule rule = new RemediationRule();
                    rule.id = UUID.randomUUID();
                    rule.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                    rule.createdBy = actor;
                    apply(rule, request, actor);
                    return rules.persist(rule);
                }));
    }

    @WithTransaction
    public Uni<RemediationRule> update(UUID id, RuleRequest request, String actor) {
        return checked(request)
                .chain(() -> rules.findById(id))
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("rule", id))
                .chain(rule -> rules.findByName(request.name().trim()).map(existing -> {
                    if (existing != null && !existing.id.equals(id)) {
                        throw ProblemException.conflict(
                                "a rule named '" + request.name().trim() + "' exists already");
                    }
                    apply(rule, request, actor);
                    return rule;
                }));
    }

    @WithTransaction
    public Uni<Void> delete(UUID id) {
        return rules.deleteById(id).map(deleted -> {
            if (!deleted) {
                throw ProblemException.notFound("rule", id);
            }
            return null;
        });
    }

    /** Fails with a 400 naming every invalid field, after the action's own checks (a webhook's host lookup). */
    private Uni<Void> checked(RuleRequest request) {
        List<FieldError> problems = new ArrayList<>();
        check(request, problems);
        if (!problems.isEmpty()) {
            return Uni.createFrom().failure(ProblemException.invalid(problems));
        }
        return handlers.get(request.action().type())
                .validateRemote(paramsOf(request), problems)
                .invoke(() -> {
                    if (!problems.isEmpty()) {
                        throw ProblemException.invalid(problems);
                    }
                });
    }

    private void check(RuleRequest request, List<FieldError> problems) {
        RuleRequest.Match match = request.match();
        boolean criteria = match.service() != null
                || match.errorType() != null
                || match.fingerprint() != null
                || (match.attributes() != null && !match.attributes().isEmpty());
        if (!criteria) {
            problems.add(new FieldError(
                    "match",
                    "set at least one of service, errorType, fingerprint or attributes;"
                            + " a rule matching every error is almost always a mistake"));
        }
        var handler = handlers.find(request.action().type());
        if (handler.isEmpty()) {
            problems.add(new FieldError(
                    "action.type", "'" + request.action().type() + "' is not one of " + handlers.types()));
        } else {
            handler.get().validate(paramsOf(request), problems);
        }
    }

    private static void apply(RemediationRule rule, RuleRequest request, String actor) {
        RuleRequest.Guard guard =
                request.guard() == null ? new RuleRequest.Guard(null, null, null, null) : request.guard();
        rule.name = request.name().trim();
        rule.description = request.description();
        rule.enabled = request.enabled() == null || request.enabled();
        rule.matchService = blankToNull(request.match().service());
        rule.matchErrorType = blankToNull(request.match().errorType());
        rule.matchFingerprint = blankToNull(request.match().fingerprint());
        rule.matchAttributes = request.match().attributes() == null
                ? Map.of()
                : new LinkedHashMap<>(request.match().attributes());
        rule.threshold = guard.threshold() == null ? DEFAULT_THRESHOLD : guard.threshold();
        rule.windowSeconds = guard.windowSeconds() == null ? DEFAULT_WINDOW_SECONDS : guard.windowSeconds();
        rule.cooldownSeconds = guard.cooldownSeconds() == null ? DEFAULT_COOLDOWN_SECONDS : guard.cooldownSeconds();
        rule.maxAttempts = guard.maxAttempts() == null ? DEFAULT_MAX_ATTEMPTS : guard.maxAttempts();
        rule.actionType = request.action().type();
        rule.actionParams = paramsOf(request);
        rule.verifyQuietSeconds =
                request.verify() == null ? null : request.verify().quietSeconds();
        rule.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
        rule.updatedBy = actor;
    }

    private static Map<String, String> paramsOf(RuleRequest request) {
        return request.action().params() == null
                ? new LinkedHashMap<>()
                : new LinkedHashMap<>(request.action().params());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
