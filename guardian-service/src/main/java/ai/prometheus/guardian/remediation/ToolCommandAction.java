package ai.prometheus.guardian.remediation;

import ai.prometheus.guardian.config.GuardianConfig;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.outbox.Outbox;
import ai.prometheus.shared.platform.tracing.TraceContext;
import ai.prometheus.shared.problem.Problem.FieldError;
import ai.prometheus.shared.remediation.RemediationCommand;
import io.smallrye.mutiny.Uni;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks the tool registry to disable or enable a tool: a {@link RemediationCommand} on
 * {@link Topics#GUARDIAN_COMMANDS} (key: the tool; {@code guardian.remediation.commands-topic}), written to the outbox in the transaction that
 * records the action. The registry answers with a result that completes the action.
 */
abstract class ToolCommandAction implements ActionHandler {

    static final int MAX_REASON = 500;

    private final Outbox outbox;
    private final EventCodec codec;
    private final ServiceConfig service;
    private final String topic;

    ToolCommandAction(Outbox outbox, EventCodec codec, ServiceConfig service, GuardianConfig config) {
        this.outbox = outbox;
        this.codec = codec;
        this.service = service;
        this.topic = config.remediation().commandsTopic();
    }

    /** {@link RemediationCommand#DISABLE_TOOL} or {@link RemediationCommand#ENABLE_TOOL}. */
    abstract String command();

    abstract String defaultReason(Trigger trigger);

    @Override
    public void validate(Map<String, String> params, List<FieldError> problems) {
        for (String name : params.keySet()) {
            if (!name.equals("tool") && !name.equals("reason")) {
                problems.add(new FieldError(
                        "action.params." + name,
                        "is not a parameter of " + type() + "; it takes tool (default: the failing tool) and reason"));
            }
        }
        String tool = params.get("tool");
        if (tool != null && (tool.isBlank() || tool.length() > 255)) {
            problems.add(new FieldError("action.params.tool", "must be a tool name of 1 to 255 characters"));
        }
        String reason = params.get("reason");
        if (reason != null && (reason.isBlank() || reason.length() > MAX_REASON)) {
            problems.add(new FieldError("action.params.reason", "must have 1 to " + MAX_REASON + " characters"));
        }
    }

    @Override
    public String target(Map<String, String> params, Trigger trigger) {
        String tool = params.get("tool") != null
                ? params.get("tool")
                : trigger.attributes().get("tool");
        if (tool == null || tool.isBlank()) {
            throw new IllegalArgumentException("the error names no tool (attribute 'tool') and the rule sets none");
        }
        return tool;
    }

    @Override
    public Map<String, String> resolve(Map<String, String> params, Trigger trigger) {
        Map<String, String> resolved = new LinkedHashMap<>();
        resolved.put("tool", target(params, trigger));
        String reason = params.get("reason") != null
                ? Placeholders.fill(params.get("reason"), trigger)
                : defaultReason(trigger);
        resolved.put("reason", reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON));
        return resolved;
    }

    @Override
    public Uni<Void> dispatch(RemediationAction action) {
        RemediationCommand command = new RemediationCommand(
                action.id, command(), action.target, action.params.get("reason"), action.ruleId, action.groupId);
        CloudEvent event = codec.create(
                service.eventSource(),
                EventTypes.REMEDIATION_COMMAND,
                action.target,
                command,
                TraceContext.currentTraceparent());
        return outbox.add(topic, event);
    }

    @Override
    public Map<String, String> revertParams(RemediationAction action, String requestedBy, String reason) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("tool", action.target);
        params.put(
                "reason",
                reason != null
                        ? reason
                        : "Reverts guardian action " + action.id + " (" + type() + "), requested by " + requestedBy);
        return params;
    }
}
