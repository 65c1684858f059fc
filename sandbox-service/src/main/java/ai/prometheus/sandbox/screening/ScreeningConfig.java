package ai.prometheus.sandbox.screening;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;

/** The safety screen's policy. */
@ConfigMapping(prefix = "sandbox.screening")
public interface ScreeningConfig {

    /** {@code enforce}: refuse code with findings at or above {@link #denyAt()}; {@code warn}: never refuse; {@code off}: no screen. */
    @WithDefault("enforce")
    Mode mode();

    /** The lowest severity that is refused in {@code enforce} mode. */
    @WithDefault("high")
    Severity denyAt();

    /** Per-rule overrides: {@code deny}, {@code warn} or {@code off}, keyed by rule id. */
    Map<String, RuleAction> rules();

    enum Mode {
        ENFORCE,
        WARN,
        OFF
    }

    enum RuleAction {
        DENY,
        WARN,
        OFF
    }
}
