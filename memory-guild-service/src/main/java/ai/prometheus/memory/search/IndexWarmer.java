package ai.prometheus.memory.search;

import ai.prometheus.memory.config.MemoryConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Runs {@link VectorIndex#warm()} on a timer: after a start it loads the contexts before anyone
 * searches them, afterwards it follows their changes, so a first search reads only the rows
 * written since the last tick instead of the whole context. The tick returns a {@code Uni}, so it
 * starts on the event loop and holds no thread while Postgres answers; the next tick is skipped
 * until it completes.
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
    Uni<Void> tick() {
        if (!config.index().warm()) {
            return Uni.createFrom().voidItem();
        }
        return index.warm()
                .onFailure()
                // The next tick tries again; searches load what they need themselves meanwhile.
                .invoke(failure -> LOG.warnf("warming the search index failed: %s", failure.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
