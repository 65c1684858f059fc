package ai.prometheus.memory.embedding;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The embedding backlog as a gauge: memories still waiting for their vector (semantic search
 * cannot find them yet). Counted every few seconds through the partial index on pending rows, not
 * at scrape time, so a scrape never waits on the database.
 */
@ApplicationScoped
public class EmbeddingBacklog {

    private static final Logger LOG = Logger.getLogger(EmbeddingBacklog.class);
    private static final long REFRESH_MS = 5_000;

    private final EmbeddingRepository embeddings;
    private final Vertx vertx;
    private final AtomicLong pending = new AtomicLong();
    private long timer = -1;

    public EmbeddingBacklog(EmbeddingRepository embeddings, Vertx vertx, MeterRegistry meters) {
        this.embeddings = embeddings;
        this.vertx = vertx;
        Gauge.builder("prometheus.memory.embedding.backlog", pending, AtomicLong::get)
                .description("Memories waiting for their embedding (not yet found by semantic search)")
                .register(meters);
    }

    void start(@Observes StartupEvent startup) {
        refresh();
        timer = vertx.setPeriodic(REFRESH_MS, ignored -> refresh());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void refresh() {
        embeddings
                .countPending()
                .subscribe()
                .with(pending::set, failure -> LOG.debugf(failure, "could not count the embedding backlog"));
    }
}
