package ai.prometheus.guardian.remediation;

import ai.prometheus.shared.problem.Problem.FieldError;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;

/**
 * One kind of remediation action. Adding an action means adding a bean that implements this;
 * rules, recording, verification, escalation and revert work for it unchanged.
 */
public interface ActionHandler {

    /** The name rules use, such as {@code disable_tool}. */
    String type();

    /** Adds a problem for each invalid rule parameter, named {@code action.params.<name>}. */
    void validate(Map<String, String> params, List<FieldError> problems);

    /**
     * Checks that need I/O, such as resolving a host name, once {@link #validate} found nothing
     * wrong; adds problems the same way.
     */
    default Uni<Void> validateRemote(Map<String, String> params, List<FieldError> problems) {
        return Uni.createFrom().voidItem();
    }

    /**
     * What this action acts on for the error that triggered it (a tool name, say), or null when
     * the action has no target. Throws {@link IllegalArgumentException} when it cannot act on
     * this error, such as a tool action for an error that names no tool.
     */
    String target(Map<String, String> params, Trigger trigger);

    /** The parameters to record and send: the rule's, with defaults and placeholders filled in. */
    Map<String, String> resolve(Map<String, String> params, Trigger trigger);

    /**
     * Starts the action, inside the transaction that records it: a command through the outbox,
     * or nothing when a dispatcher picks pending actions of this type up after commit.
     */
    Uni<Void> dispatch(RemediationAction action);

    /** The action type that undoes this one. */
    String revertType();

    /** Parameters of the revert of {@code action}. */
    Map<String, String> revertParams(RemediationAction action, String requestedBy, String reason);

    /** What the rule saw: the group, the error that tipped the guard, and how many there were. */
    record Trigger(
            String ruleName,
            java.util.UUID groupId,
            String groupTitle,
            String service,
            String errorType,
            Map<String, String> attributes,
            long count,
            int windowSeconds) {}
}
