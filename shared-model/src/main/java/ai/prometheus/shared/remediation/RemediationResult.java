package ai.prometheus.shared.remediation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * A service's answer to a {@link RemediationCommand}, on
 * {@link ai.prometheus.shared.event.Topics#GUARDIAN_COMMAND_RESULTS}.
 *
 * @param applied whether the command took effect (false: refused or impossible, see message)
 * @param changed whether applying it changed the target: false when it was already in the wanted
 *        state (a tool someone else had disabled, say), so a revert must leave it alone; null when
 *        the service does not say (older services, or an answer repeated for a known action)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RemediationResult(
        UUID actionId, String command, String target, boolean applied, String message, Boolean changed) {

    /** An answer that does not say whether the target changed. */
    public RemediationResult(UUID actionId, String command, String target, boolean applied, String message) {
        this(actionId, command, target, applied, message, null);
    }
}
