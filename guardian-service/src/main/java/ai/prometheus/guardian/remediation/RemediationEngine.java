package ai.prometheus.guardian.remediation;

import ai.prometheus.guardian.error.ErrorLog;
import ai.prometheus.guardian.error.ErrorLogRepository;
import ai.prometheus.guardian.group.ErrorGroup;
import ai.prometheus.guardian.group.ErrorGroupService;
import ai.prometheus.guardian.group.GroupHistoryEntry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Applies the rules to each stored error, inside the transaction that stored it (and that holds
 * the group's lock), so a rule's decision and the action it records commit together with the
 * error, and two errors of one group are never judged at once.
 *
 * <p>Only trusted errors are judged (events from the suite's topics, reports by the service's own
 * token), and only they count towards guards and verification. For each enabled rule the error
 * matches: the guard counts the group's matching errors in the window (only the same tool's, when
 * the error names one); a rule waits out its cooldown, never piles a second action on one that is
 * pending or being verified, and after {@code maxAttempts} actions that did not stop the errors it
 * escalates the group instead of acting again. An escalated group is left to people.
 */
@ApplicationScoped
public class RemediationEngine {

    private static final Logger LOG = Logger.getLogger(RemediationEngine.class);

    private final RuleRepository rules;
    private final ActionRepository actions;
    private final ErrorLogRepository errors;
    private final ErrorGroupService groups;
    private final ActionHandlers handlers;

    public RemediationEngine(
            RuleRepository rules,
            ActionRepository actions,
            ErrorLogRepository errors,
            ErrorGroupService groups,
            ActionHandlers handlers) {
        this.rules = rules;
        this.actions = actions;
        this.errors = errors;
        this.groups = groups;
        this.handlers = handlers;
    }

    public Uni<Void> onError(ErrorLog error, ErrorGroup group) {
        // Whoever can report an error in a service's name must not be able to steer its remediation.
        if (group.escalatedAt != null || !error.trusted) {
            return Uni.createFrom().voidItem();
        }
        return rules.enabled().chain(all -> {
            List<RemediationRule> matching = all.stream()
                    .filter(rule -> RuleMatcher.matches(
                            rule, error.service, error.errorType, group.fingerprint, error.attributes))
                    .toList();
            if (matching.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            // The error was only persisted; the guard's count must see it.
            Uni<Void> judged = errors.flush();
            for (RemediationRule rule : matching) {
                judged = judged.chain(() -> evaluate(rule, error, group));
            }
            return judged;
        });
    }

    private Uni<Void> evaluate(RemediationRule rule, ErrorLog error, ErrorGroup group) {
        if (group.escalatedAt != null) {
            return Uni.createFrom().voidItem(); // an earlier rule escalated it just now
        }
        String scope = error.attributes.get("tool");
        return errors.countRecent(group.id, scope, rule.matchAttributes, rule.windowSeconds)
                .chain(count -> count < rule.threshold
                        ? Uni.createFrom().voidItem()
                        : actions.byRuleGroupScope(rule.id, group.id, scope)
                                .chain(previous -> decide(rule, error, group, scope, count, previous)));
    }

    /** The guard passed: act, wait, or give up, after what the rule did to this group before. */
    private Uni<Void> decide(
            RemediationRule rule,
            ErrorLog error,
            ErrorGroup group,
            String scope,
            long count,
            List<RemediationAction> previous) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        RemediationAction last = previous.isEmpty() ? null : previous.get(0);
        // The last action is still awaited or still being verified: its outcome decides what comes next.
        if (last != null
                && (RemediationAction.PENDING.equals(last.status)
                        || RemediationAction.VERIFY_PENDING.equals(last.verification))) {
            return Uni.createFrom().voidItem();
        }
        if (last != null && last.createdAt.plusSeconds(rule.cooldownSeconds).isAfter(now)) {
            return Uni.createFrom().voidItem();
        }
        if (previous.size() >= rule.maxAttempts) {
            return groups.escalate(
                            group.id,
                            "rule '" + rule.name + "' acted " + previous.size()
                                    + " times (its maximum) and the errors continue",
                            "rule:" + rule.name)
                    .invoke(() -> group.escalatedAt = now);
        }
        return act(rule, error, group, scope, count, previous.size() + 1, now);
    }

    private Uni<Void> act(
            RemediationRule rule,
            ErrorLog error,
            ErrorGroup group,
            String scope,
            long count,
            int attempt,
            OffsetDateTime now) {
        ActionHandler handler = handlers.get(rule.actionType);
        ActionHandler.Trigger trigger = new ActionHandler.Trigger(
                rule.name,
                group.id,
                group.title,
                error.service,
                error.errorType,
                error.attributes,
                count,
                rule.windowSeconds);
        RemediationAction action = new RemediationAction();
        try {
            action.target = handler.target(rule.actionParams, trigger);
            action.params = handler.resolve(rule.actionParams, trigger);
        } catch (IllegalArgumentException e) {
            LOG.warnf("Rule '%s' matched error %s but cannot act on it: %s", rule.name, error.id, e.getMessage());
            return Uni.createFrom().voidItem();
        }
        action.id = UUID.randomUUID();
        action.ruleId = rule.id;
        action.ruleName = rule.name;
        action.groupId = group.id;
        action.actionType = handler.type();
        action.scope = scope;
        action.attempt = attempt;
        action.status = RemediationAction.PENDING;
        action.triggerErrorId = error.id;
        action.requestedBy = "rule:" + rule.name;
        action.createdAt = now;
        action.verification = RemediationAction.VERIFY_NONE;
        return actions.persist(action)
                .chain(() -> actions.flush())
                .chain(() -> errors.tagForAction(action.id, group.id, scope))
                .chain(() -> handler.dispatch(action))
                .chain(() -> groups.note(
                        group.id,
                        GroupHistoryEntry.ACTION,
                        action.requestedBy,
                        describe(action) + " requested (attempt " + attempt + ", " + count + " errors in the window)"));
    }

    static String describe(RemediationAction action) {
        return action.actionType + (action.target == null ? "" : " " + action.target) + " [action " + action.id + "]";
    }
}
