package ai.prometheus.shared.platform.outbox;

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

    /**
     * The largest payload the relay sends, in bytes; a larger row is parked instead of being
     * retried forever. Below the broker's default 1 MB request and message limits, above
     * {@code EventCodec.MAX_DATA_BYTES}, the budget events are cut to when they are created.
     */
    @WithDefault("1000000")
    int maxEventBytes();

    /** How long a Kafka send may take before the row is left for a later attempt. */
    @WithDefault("15s")
    Duration sendTimeout();
}
