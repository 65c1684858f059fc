package ai.prometheus.sandbox.session;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "sandbox.sessions")
public interface SessionConfig {

    @WithDefault("32")
    int defaultQuotaMb();

    /** Files are read whole for download, so the quota also bounds what one download holds in memory. */
    @WithDefault("128")
    int maxQuotaMb();

    @WithDefault("15m")
    Duration defaultIdleTtl();

    @WithDefault("24h")
    Duration maxIdleTtl();

    @WithDefault("1000")
    int maxFiles();

    /** How often idle sessions (and workspaces without a session) are looked for. */
    @WithDefault("1m")
    Duration cleanupInterval();

    /**
     * The sum of the quotas of all session workspaces on this host (every deployment sharing the
     * state directory): beyond it new sessions are refused with 429. With kernel quotas workspaces
     * are tmpfs mounts, so this is also the most memory sessions' files can take.
     */
    @WithDefault("2048")
    int totalQuotaMb();

    /** Sessions a single owner may hold at once. */
    @WithDefault("20")
    int maxPerOwner();
}
