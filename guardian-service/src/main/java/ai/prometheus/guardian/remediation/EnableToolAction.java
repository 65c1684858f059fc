package ai.prometheus.guardian.remediation;

import ai.prometheus.guardian.config.GuardianConfig;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.outbox.Outbox;
import ai.prometheus.shared.remediation.RemediationCommand;
import jakarta.inject.Singleton;

/** Enables a tool in the registry again; also the revert of {@link DisableToolAction}. */
@Singleton
public class EnableToolAction extends ToolCommandAction {

    public static final String TYPE = "enable_tool";

    public EnableToolAction(Outbox outbox, EventCodec codec, ServiceConfig service, GuardianConfig config) {
        super(outbox, codec, service, config);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    String command() {
        return RemediationCommand.ENABLE_TOOL;
    }

    @Override
    String defaultReason(Trigger trigger) {
        return Placeholders.fill("Enabled by the guardian (rule '{rule}')", trigger);
    }

    @Override
    public String revertType() {
        return DisableToolAction.TYPE;
    }
}
