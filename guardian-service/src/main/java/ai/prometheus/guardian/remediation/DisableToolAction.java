package ai.prometheus.guardian.remediation;

import ai.prometheus.guardian.config.GuardianConfig;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.outbox.Outbox;
import ai.prometheus.shared.remediation.RemediationCommand;
import jakarta.inject.Singleton;

/** Disables the failing tool in the registry; invocations are then refused with the reason. */
@Singleton
public class DisableToolAction extends ToolCommandAction {

    public static final String TYPE = "disable_tool";

    public DisableToolAction(Outbox outbox, EventCodec codec, ServiceConfig service, GuardianConfig config) {
        super(outbox, codec, service, config);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    String command() {
        return RemediationCommand.DISABLE_TOOL;
    }

    @Override
    String defaultReason(Trigger trigger) {
        return Placeholders.fill(
                "Disabled by the guardian (rule '{rule}'): {count} failures ({errorType}) within"
                        + " {window}. An operator can re-enable it by reverting the action.",
                trigger);
    }

    @Override
    public String revertType() {
        return EnableToolAction.TYPE;
    }
}
