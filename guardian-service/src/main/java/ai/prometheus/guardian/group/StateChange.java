package ai.prometheus.guardian.group;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Body of PATCH /error-groups/{id}: the new state (open, acknowledged, resolved or ignored) and why. */
public record StateChange(
        @NotBlank String state, @Size(max = 2000) String note) {}
