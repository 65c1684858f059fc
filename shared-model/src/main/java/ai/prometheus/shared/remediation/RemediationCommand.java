package ai.prometheus.shared.remediation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * An action the guardian asks another service to perform, on
 * {@link ai.prometheus.shared.event.Topics#GUARDIAN_COMMANDS}. The service applies it idempotently
 * (by {@code actionId}) and answers with a {@link RemediationResult}.
 *
 * @param command what to do, e.g. {@link #DISABLE_TOOL}
 * @param target what to do it to, e.g. the tool name
 * @param reason why, in words shown to users (e.g. the reason a disabled tool gives)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RemediationCommand(
        UUID actionId, String command, String target, String reason, UUID ruleId, UUID groupId) {

    public static final String DISABLE_TOOL = "DISABLE_TOOL";
    public static final String ENABLE_TOOL = "ENABLE_TOOL";
}
