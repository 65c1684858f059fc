package ai.prometheus.memory.embedding;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.shared.platform.error.ErrorReporter;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Computes embeddings off the request path. Every memory is written with {@code needs_embedding};
 * this worker claims such rows ({@link EmbeddingRepository#claim}: replicas share the work),
 * embeds them in batches and stores the vectors with the model id. It is woken right after a
 * local write commits and polls for rows written elsewhere (other replicas, restores, Kafka
 * episodes).
 *
 * <p>It has a thread of its own, on which it embeds (CPU work that should not occupy the shared
 * worker pool) and decides what comes next; the thread never waits on Postgres: a batch is a
 * {@code Uni} (claim, embed, store), and the next batch, pause or poll is scheduled when it ends.
 */
@ApplicationScoped
public class EmbeddingWorker {

    private static final Logger LOG = Logger.getLogger(EmbeddingWorker.class);
    private static final Duration BATCH_GATHERING = Duration.ofMillis(20);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MARK_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(10);

    private final Embedder embedder;
    private final EmbeddingRepository embeddings;
    private final MemoryConfig config;
    private final ErrorReporter errors;
    private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread worker = new Thread(runnable, "embedding-worker");
        worker.setDaemon(true);
        return worker;
    });
    private final Object signal = new Object();
    /** A wake came while no pause was running: the next pause is skipped. Guarded by {@code signal}. */
    private boolean woken;
    /** The poll wait running, which a wake cuts short. Guarded by {@code signal}. */
    private ScheduledFuture<?> pause;
    /** What follows the pause. Guarded by {@code signal}. */
    private Runnable afterPause;

    private volatile boolean running;

    public EmbeddingWorker(
            Embedder embedder, EmbeddingRepository embeddings, MemoryConfig config, ErrorReporter errors) {
        this.embedder = embedder;
        this.embeddings = embeddings;
        this.config = config;
        this.errors = errors;
        // Stopping drops a pending poll rather than waiting for it.
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    void start(@Observes StartupEvent event) {
        // An unknown memory.embedding.model stops the start here rather than failing every batch later.
        LOG.infof("Embedding model: %s", embedder.modelId());
        if (!config.embedding().workerEnabled()) {
            LOG.info("Embedding worker is disabled (memory.embedding.worker-enabled=false)");
            return;
        }
        running = true;
        reembedOtherModels()
                .onFailure()
                .invoke(failure -> LOG.warn("Could not look for memories embedded by another model", failure))
                .onFailure()
                .recoverWithNull()
                .subscribe()
                .with(ignored -> next(Duration.ZERO));
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        wake();
        thread.shutdown();
        try {
            // A batch being embedded finishes first (the model is shut down below).
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        embedder.shutdown();
    }

    /** Asks the worker to look for work now rather than at its next poll. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            if (pause != null && pause.cancel(false)) {
                pause = null;
                execute(this::endPause, Duration.ZERO);
            }
        }
    }

    /**
     * Marks every memory embedded by another model (the model setting changed) for re-embedding,
     * and wakes the worker. Their old vectors stay out of semantic search until replaced; words
     * still find them. Answers how many were marked.
     */
    public Uni<Integer> reembedOtherModels() {
        return embeddings
                .markOtherModels(embedder.modelId())
                .ifNoItem()
                .after(MARK_TIMEOUT)
                .fail()
                .invoke(marked -> {
                    if (marked > 0) {
                        LOG.infof(
                                "%d memories were embedded by another model; re-embedding them with %s",
                                marked, embedder.modelId());
                        wake();
                    }
                });
    }

    // --- the loop ------------------------------------------------------------------------------

    private void runBatch() {
        if (running) {
            embedBatch().subscribe().with(this::afterBatch, this::afterFailure);
        }
    }

    private void afterBatch(int claimed) {
        if (claimed == 0) {
            // Writes come in bursts: a moment's wait turns many one-row batches into a few full ones.
            pause(config.embedding().pollInterval(), () -> next(BATCH_GATHERING));
        } else if (claimed < config.embedding().batchSize()) {
            next(BATCH_GATHERING);
        } else {
            next(Duration.ZERO);
        }
    }

    private void afterFailure(Throwable failure) {
        if (!running) {
            LOG.debugf(failure, "Embedding batch ended by the shutdown");
            return;
        }
        LOG.error("Embedding batch failed; retrying after the poll interval", failure);
        errors.report(failure, Map.of("component", "embedding-worker"))
                .ifNoItem()
                .after(REPORT_TIMEOUT)
                .recoverWithItem((Void) null)
                .subscribe()
                .with(
                        ignored -> pause(config.embedding().pollInterval(), () -> next(Duration.ZERO)),
                        ignored -> pause(config.embedding().pollInterval(), () -> next(Duration.ZERO)));
    }

    /** Claims, embeds and stores one batch; answers how many memories it claimed. */
    Uni<Integer> embedBatch() {
        return embeddings
                .claim(config.embedding().batchSize(), config.embedding().claimTimeout())
                .ifNoItem()
                .after(QUERY_TIMEOUT)
                .fail()
                .emitOn(thread)
                .chain(this::embedAndStore);
    }

    private Uni<Integer> embedAndStore(List<EmbeddingRepository.Claimed> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<float[]> vectors =
                embedder.embedPassages(batch.stream().map(EmbeddingWorker::text).toList());
        List<EmbeddingRepository.Computed> computed = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            computed.add(new EmbeddingRepository.Computed(batch.get(i), vectors.get(i)));
        }
        return embeddings
                .store(computed, embedder.modelId())
                .ifNoItem()
                .after(QUERY_TIMEOUT)
                .fail()
                .replaceWith(batch.size());
    }

    /** What is embedded: the content, after the memory before it when contextual embedding is on. */
    private static String text(EmbeddingRepository.Claimed claimed) {
        return claimed.previous() == null ? claimed.content() : claimed.previous() + "\n" + claimed.content();
    }

    /** Waits up to {@code duration} for a wake (none if one came meanwhile), then runs {@code then}. */
    private void pause(Duration duration, Runnable then) {
        synchronized (signal) {
            afterPause = then;
            if (woken || !running) {
                execute(this::endPause, Duration.ZERO);
            } else {
                pause = execute(this::endPause, duration);
            }
        }
    }

    private void endPause() {
        Runnable then;
        synchronized (signal) {
            then = afterPause;
            afterPause = null;
            pause = null;
            woken = false;
        }
        if (then != null) {
            then.run();
        }
    }

    private void next(Duration delay) {
        execute(this::runBatch, delay);
    }

    private ScheduledFuture<?> execute(Runnable task, Duration delay) {
        if (!running) {
            return null;
        }
        try {
            return thread.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            return null;
        }
    }
}
