package ai.prometheus.guardian.remediation;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Body of POST and PUT /rules: match (which errors) → guard (how many, how often) → action → verify.
 * Every match criterion set must hold; globs use {@code *}. Omitted guard values take defaults.
 */
public record RuleRequest(
        @NotBlank @Size(max = 200) String name,
        @Size(max = 2000) String description,
        Boolean enabled,
        @NotNull @Valid Match match,
        @Valid Guard guard,
        @NotNull @Valid Action action,
        @Valid Verify verify) {

    public record Match(
            @Size(max = 255) String service,
            @Size(max = 255) String errorType,
            @Size(max = 64) String fingerprint,
            @Size(max = 10) Map<@NotBlank @Size(max = 64) String, @NotBlank @Size(max = 255) String> attributes) {}

    /** At least {@code threshold} matching errors within {@code windowSeconds}; then wait {@code cooldownSeconds}; at most {@code maxAttempts} actions. */
    public record Guard(
            @Min(1) @Max(100_000) Integer threshold,
            @Min(1) @Max(604_800) Integer windowSeconds,
            @Min(0) @Max(2_592_000) Integer cooldownSeconds,
            @Min(1) @Max(100) Integer maxAttempts) {}

    public record Action(
            @NotBlank String type, @Size(max = 10) Map<@NotBlank String, @NotNull @Size(max = 2000) String> params) {}

    /** The action counts as a fix when no matching error follows it for {@code quietSeconds}. */
    public record Verify(@NotNull @Min(1) @Max(604_800) Integer quietSeconds) {}
}
