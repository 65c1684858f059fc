package ai.prometheus.shared.remediation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * A service's answer to a {@link RemediationCommand}, on
 * {@link ai.prometheus.shared.event.Topics#GUARDIAN_COMMAND_RESULTS}.
 *
 * @param applied whether the command took effect (false: refused or impossible, see message)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RemediationResult(UUID actionId, String command, String target, boolean applied, String message) {
}
