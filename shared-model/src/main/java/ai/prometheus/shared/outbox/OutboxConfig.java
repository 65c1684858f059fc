package ai.prometheus.shared.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "prometheus.outbox")
public interface OutboxConfig {

    /** Whether this replica relays outbox rows to Kafka; every replica may, they never send a row twice at once. */
    @WithDefault("true")
    boolean relayEnabled();

    /** How long the relay waits for a commit notification before looking anyway. */
    @WithDefault("2s")
    Duration pollInterval();

    /** Rows claimed per relay transaction. */
    @WithDefault("200")
    int batchSize();

    /** How long sent rows are kept for inspection before they are deleted. */
    @WithDefault("P3D")
    Duration retention();

    /** How long a Kafka send may take before the row is left for a later attempt. */
    @WithDefault("15s")
    Duration sendTimeout();
}
