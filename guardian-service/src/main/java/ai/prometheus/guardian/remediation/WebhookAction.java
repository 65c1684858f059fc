package ai.prometheus.guardian.remediation;

import ai.prometheus.shared.problem.Problem.FieldError;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells an operator's endpoint (a pager, a chat hook, a runbook automation) with an HTTP POST of
 * a JSON document. The {@link WebhookDispatcher} sends pending webhook actions after their
 * transaction commits; its revert posts the same document with {@code event} set to
 * {@code remediation.reverted}. Only public http(s) addresses are allowed, unless the operator lists
 * the host (see {@link WebhookTargets}).
 */
@Singleton
public class WebhookAction implements ActionHandler {

    public static final String TYPE = "webhook";
    static final String EVENT_ACTION = "remediation.action";
    static final String EVENT_REVERTED = "remediation.reverted";

    private final WebhookTargets targets;

    public WebhookAction(WebhookTargets targets) {
        this.targets = targets;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void validate(Map<String, String> params, List<FieldError> problems) {
        for (String name : params.keySet()) {
            if (!name.equals("url") && !name.equals("message")) {
                problems.add(new FieldError(
                        "action.params." + name, "is not a parameter of webhook; it takes url and message"));
            }
        }
        String url = params.get("url");
        if (url == null || url.isBlank()) {
            problems.add(new FieldError("action.params.url", "is required"));
            return;
        }
        String problem = targets.problem(url);
        if (problem != null) {
            problems.add(new FieldError("action.params.url", problem));
        }
    }

    /** Refuses a host that resolves to a non-public address now; one that does not resolve yet is checked at each send. */
    @Override
    public Uni<Void> validateRemote(Map<String, String> params, List<FieldError> problems) {
        return targets.resolve(params.get("url"))
                .replaceWithVoid()
                .onFailure(WebhookTargets.Refused.class)
                .invoke(e -> problems.add(new FieldError("action.params.url", e.getMessage())))
                .onFailure()
                .recoverWithNull();
    }

    @Override
    public String target(Map<String, String> params, Trigger trigger) {
        return null;
    }

    @Override
    public Map<String, String> resolve(Map<String, String> params, Trigger trigger) {
        Map<String, String> resolved = new LinkedHashMap<>();
        resolved.put("url", params.get("url"));
        resolved.put("event", EVENT_ACTION);
        resolved.put(
                "message",
                Placeholders.fill(
                        params.getOrDefault(
                                "message",
                                "Guardian rule '{rule}': {count} errors ({errorType} in {service}) within {window}"),
                        trigger));
        return resolved;
    }

    @Override
    public Uni<Void> dispatch(RemediationAction action) {
        return Uni.createFrom().voidItem();
    }

    @Override
    public String revertType() {
        return TYPE;
    }

    @Override
    public Map<String, String> revertParams(RemediationAction action, String requestedBy, String reason) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("url", action.params.get("url"));
        params.put("event", EVENT_REVERTED);
        params.put(
                "message",
                reason != null ? reason : "Guardian action " + action.id + " was reverted by " + requestedBy);
        return params;
    }
}
