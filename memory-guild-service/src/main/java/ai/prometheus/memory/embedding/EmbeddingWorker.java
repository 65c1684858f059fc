package ai.prometheus.memory.embedding;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.config.Sql;
import ai.prometheus.shared.platform.error.ErrorReporter;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Computes embeddings off the request path. Every memory is written with {@code needs_embedding};
 * this worker claims such rows ({@code FOR UPDATE SKIP LOCKED}, so replicas share the work and a
 * claim left by a dead replica times out), embeds them in batches and stores the vectors with the
 * model id. It is woken right after a local write commits and polls for rows written elsewhere
 * (other replicas, restores, Kafka episodes).
 */
@ApplicationScoped
public class EmbeddingWorker {

    private static final Logger LOG = Logger.getLogger(EmbeddingWorker.class);
    private static final Duration BATCH_GATHERING = Duration.ofMillis(20);

    private final Embedder embedder;
    private final Pool pool;
    private final MemoryConfig config;
    private final ErrorReporter errors;
    private final String claim;
    private final String bumpVersion;
    private final String store;
    private final String markOtherModels;
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean running;
    private Thread thread;

    public EmbeddingWorker(Embedder embedder, Pool pool, Sql sql, MemoryConfig config, ErrorReporter errors) {
        this.embedder = embedder;
        this.pool = pool;
        this.config = config;
        this.errors = errors;
        this.claim = sql.of("""
                update {schema}.memories m set embedding_claimed_at = now()
                 where m.id in (select id from {schema}.memories
                                 where needs_embedding
                                   and (embedding_claimed_at is null or embedding_claimed_at < now() - make_interval(secs => $2))
                                 order by created_at
                                 limit $1
                                 for update skip locked)
                returning m.id, m.context_id, m.content, m.content_hash,
                       case when coalesce((select c.contextual_embedding from {schema}.memory_contexts c
                                            where c.id = m.context_id), %s)
                            -- The memory written just before in the same context (its index serves this).
                            then (select p.content from {schema}.memories p where p.context_id = m.context_id
                                     and (p.created_at, p.id) < (m.created_at, m.id)
                                   order by p.created_at desc, p.id desc limit 1) end as previous
                """.formatted(config.embedding().contextual()));
        // Context rows are locked in id order, so two replicas storing batches cannot deadlock.
        this.bumpVersion = sql.of("""
                update {schema}.memory_contexts c set memory_version = c.memory_version + 1
                  from (select id from {schema}.memory_contexts where id = any($1) order by id for update) locked
                 where c.id = locked.id
                returning c.id, c.memory_version""");
        // The hash guard drops a vector whose memory changed while it was being computed.
        this.store = sql.of("""
                update {schema}.memories set embedding = $1, embedding_model = $2, needs_embedding = false,
                       embedding_claimed_at = null, change_version = $3
                 where id = $4 and content_hash = $5""");
        this.markOtherModels = sql.of("update {schema}.memories set needs_embedding = true"
                + " where not needs_embedding and embedding_model is distinct from $1");
    }

    void start(@Observes StartupEvent event) {
        // An unknown memory.embedding.model stops the start here rather than failing every batch later.
        LOG.infof("Embedding model: %s", embedder.modelId());
        if (!config.embedding().workerEnabled()) {
            LOG.info("Embedding worker is disabled (memory.embedding.worker-enabled=false)");
            return;
        }
        running = true;
        thread = new Thread(this::run, "embedding-worker");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        wake();
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        embedder.shutdown();
    }

    /** Asks the worker to look for work now rather than at its next poll. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /**
     * Marks every memory embedded by another model (the model setting changed) for re-embedding,
     * and wakes the worker. Their old vectors stay out of semantic search until replaced; words
     * still find them. Answers how many were marked.
     */
    public int reembedOtherModels() {
        int marked = pool.preparedQuery(markOtherModels)
                .execute(Tuple.of(embedder.modelId()))
                .await()
                .atMost(Duration.ofMinutes(5))
                .rowCount();
        if (marked > 0) {
            LOG.infof(
                    "%d memories were embedded by another model; re-embedding them with %s",
                    marked, embedder.modelId());
            wake();
        }
        return marked;
    }

    private void run() {
        try {
            reembedOtherModels();
        } catch (RuntimeException e) {
            LOG.warn("Could not look for memories embedded by another model", e);
        }
        while (running) {
            try {
                int claimed = embedBatch();
                if (claimed == 0) {
                    pause(config.embedding().pollInterval());
                    // Writes come in bursts: a moment's wait turns many one-row batches into a few full ones.
                    gather();
                } else if (claimed < config.embedding().batchSize()) {
                    gather();
                }
            } catch (RuntimeException e) {
                LOG.error("Embedding batch failed; retrying after the poll interval", e);
                errors.report(e, Map.of("component", "embedding-worker"))
                        .await()
                        .atMost(Duration.ofSeconds(10));
                pause(config.embedding().pollInterval());
            }
        }
    }

    /** Claims, embeds and stores one batch; answers how many memories it claimed. */
    int embedBatch() {
        List<Claimed> batch = new ArrayList<>();
        pool.preparedQuery(claim)
                .execute(Tuple.of(config.embedding().batchSize(), (double)
                        config.embedding().claimTimeout().toSeconds()))
                .await()
                .atMost(Duration.ofSeconds(30))
                .forEach(row -> batch.add(Claimed.of(row)));
        if (batch.isEmpty()) {
            return 0;
        }
        List<float[]> vectors =
                embedder.embedPassages(batch.stream().map(Claimed::text).toList());
        UUID[] contexts = batch.stream().map(Claimed::contextId).distinct().toArray(UUID[]::new);
        // One short transaction: the context row locks order this change with the Scribe's writes.
        pool.withTransaction(connection -> connection
                        .preparedQuery(bumpVersion)
                        .execute(Tuple.of(contexts))
                        .chain(rows -> {
                            Map<UUID, Long> versions = new HashMap<>();
                            rows.forEach(row -> versions.put(row.getUUID("id"), row.getLong("memory_version")));
                            List<Tuple> updates = new ArrayList<>();
                            for (int i = 0; i < batch.size(); i++) {
                                Claimed claimed = batch.get(i);
                                Long version = versions.get(claimed.contextId());
                                if (version != null) { // else the context was deleted meanwhile
                                    updates.add(Tuple.of(
                                            io.vertx.core.buffer.Buffer.buffer(Vectors.toBytes(vectors.get(i))),
                                            embedder.modelId(),
                                            version,
                                            claimed.id(),
                                            claimed.contentHash()));
                                }
                            }
                            return updates.isEmpty()
                                    ? io.smallrye.mutiny.Uni.createFrom().voidItem()
                                    : connection
                                            .preparedQuery(store)
                                            .executeBatch(updates)
                                            .replaceWithVoid();
                        }))
                .await()
                .atMost(Duration.ofSeconds(30));
        return batch.size();
    }

    private void gather() {
        try {
            Thread.sleep(BATCH_GATHERING.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void pause(Duration duration) {
        synchronized (signal) {
            if (!woken && running) {
                try {
                    signal.wait(duration.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            woken = false;
        }
    }

    private record Claimed(UUID id, UUID contextId, String content, String contentHash, String previous) {
        static Claimed of(Row row) {
            return new Claimed(
                    row.getUUID("id"),
                    row.getUUID("context_id"),
                    row.getString("content"),
                    row.getString("content_hash"),
                    row.getString("previous"));
        }

        /** What is embedded: the content, after the memory before it when contextual embedding is on. */
        String text() {
            return previous == null ? content : previous + "\n" + content;
        }
    }
}
