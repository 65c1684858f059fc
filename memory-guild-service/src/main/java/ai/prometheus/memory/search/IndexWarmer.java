package ai.prometheus.memory.search;

import ai.prometheus.memory.config.MemoryConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Runs {@link VectorIndex#warm()} on a timer: after a start it loads the contexts before anyone
 * searches them, afterwards it follows their changes, so a first search reads only the rows
 * written since the last tick instead of the whole context.
 */
@ApplicationScoped
public class IndexWarmer {

    private static final Logger LOG = Logger.getLogger(IndexWarmer.class);

    private final VectorIndex index;
    private final MemoryConfig config;

    public IndexWarmer(VectorIndex index, MemoryConfig config, MeterRegistry meters) {
        this.index = index;
        this.config = config;
        Gauge.builder("prometheus.memory.index.cached.memories", index, VectorIndex::cachedMemories)
                .description("Memories the in-service search index holds")
                .register(meters);
    }

    @Scheduled(
            every = "{memory.index.warm-interval}",
            identity = "memory-index-warmer",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!config.index().warm()) {
            return;
        }
        try {
            index.warm();
        } catch (RuntimeException e) {
            // The next tick tries again; searches load what they need themselves meanwhile.
            LOG.warnf("warming the search index failed: %s", e.getMessage());
        }
    }
}
