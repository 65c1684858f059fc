package ai.prometheus.registry.remediation;

import ai.prometheus.registry.audit.AuditTrail;
import ai.prometheus.registry.tool.ToolRepository;
import ai.prometheus.registry.tool.ToolStatus;
import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.Topics;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.inbox.ProcessedEvents;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.messaging.EventHandlers;
import ai.prometheus.shared.platform.outbox.Outbox;
import ai.prometheus.shared.platform.tracing.TraceContext;
import ai.prometheus.shared.remediation.RemediationCommand;
import ai.prometheus.shared.remediation.RemediationResult;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Applies the guardian's remediation commands to tools (disable, enable) and answers each with a
 * result. Applying, recording the remediation, auditing it and queueing the answer happen in one
 * transaction; a command seen before (same action id) is answered again without acting again.
 */
@ApplicationScoped
public class GuardianCommands {

    static final String CONSUMER = "registry.guardian-commands";
    static final String ACTOR = "guardian-service";

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final ToolRepository tools;
    private final RemediationRepository remediations;
    private final AuditTrail audit;
    private final Outbox outbox;
    private final ServiceConfig service;
    private final EventHandlers handlers;

    public GuardianCommands(
            EventCodec codec,
            ProcessedEvents processed,
            ToolRepository tools,
            RemediationRepository remediations,
            AuditTrail audit,
            Outbox outbox,
            ServiceConfig service) {
        this.codec = codec;
        this.processed = processed;
        this.tools = tools;
        this.remediations = remediations;
        this.audit = audit;
        this.outbox = outbox;
        this.service = service;
        this.handlers = EventHandlers.of(codec)
                .on(
                        EventTypes.REMEDIATION_COMMAND,
                        RemediationCommand.class,
                        command -> processed.onceInTransaction(CONSUMER, command.id(), () -> handle(command.data())))
                .skipOthers();
    }

    @Incoming("guardian-commands")
    public Uni<Void> consume(String record) {
        return handlers.handle(record);
    }

    private Uni<Void> handle(RemediationCommand command) {
        if (command.actionId() == null || command.target() == null) {
            return answer(command, false, "the command lacks an action id or a target", false);
        }
        // A repeated command is answered as before; whether it changed the tool is not kept, so not said.
        return remediations
                .findById(command.actionId())
                .chain(earlier ->
                        earlier != null ? answer(command, earlier.applied, earlier.message, null) : apply(command));
    }

    private Uni<Void> apply(RemediationCommand command) {
        ToolStatus wanted = switch (command.command()) {
            case RemediationCommand.DISABLE_TOOL -> ToolStatus.DISABLED;
            case RemediationCommand.ENABLE_TOOL -> ToolStatus.ACTIVE;
            default -> null;
        };
        if (wanted == null) {
            return remember(command, false, "the registry does not support the command " + command.command(), false);
        }
        return tools.findLive(command.target()).chain(tool -> {
            if (tool == null) {
                return remember(command, false, "no tool named '" + command.target() + "'", false);
            }
            if (tool.status == wanted) {
                // Applied, but changed nothing: the guardian must not undo this state on revert.
                return remember(
                        command,
                        true,
                        "tool '" + tool.name + "' was already " + wanted.name().toLowerCase(),
                        false);
            }
            ToolStatus before = tool.status;
            tool.status = wanted;
            tool.statusReason = wanted == ToolStatus.DISABLED
                    ? (command.reason() == null || command.reason().isBlank()
                            ? "disabled by a guardian rule"
                            : command.reason())
                    : null;
            tool.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
            var details = audit.details()
                    .put("from", before.name())
                    .put("to", wanted.name())
                    .put("actionId", command.actionId().toString());
            if (command.ruleId() != null) {
                details.put("ruleId", command.ruleId().toString());
            }
            return audit.system(
                            ACTOR,
                            AuditTrail.STATUS,
                            tool.name,
                            "guardian remediation: "
                                    + (command.reason() == null ? command.command() : command.reason()),
                            details)
                    .chain(() -> remember(
                            command,
                            true,
                            "tool '" + tool.name + "' is now " + wanted.name().toLowerCase(),
                            true));
        });
    }

    private Uni<Void> remember(RemediationCommand command, boolean applied, String message, boolean changed) {
        Remediation remediation = new Remediation();
        remediation.actionId = command.actionId();
        remediation.command = command.command();
        remediation.toolName = command.target();
        remediation.applied = applied;
        remediation.message = message;
        remediation.appliedAt = OffsetDateTime.now(ZoneOffset.UTC);
        return remediations.persist(remediation).chain(() -> answer(command, applied, message, changed));
    }

    private Uni<Void> answer(RemediationCommand command, boolean applied, String message, Boolean changed) {
        RemediationResult result = new RemediationResult(
                command.actionId(), command.command(), command.target(), applied, message, changed);
        CloudEvent event = codec.create(
                service.eventSource(),
                EventTypes.REMEDIATION_RESULT,
                "actions/" + command.actionId(),
                result,
                TraceContext.currentTraceparent());
        return outbox.add(Topics.GUARDIAN_COMMAND_RESULTS, event);
    }
}
