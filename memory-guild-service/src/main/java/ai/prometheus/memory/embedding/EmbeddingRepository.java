package ai.prometheus.memory.embedding;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.config.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The embedding columns of {@code memories}: claiming the memories that wait for a vector
 * ({@code FOR UPDATE SKIP LOCKED}, so replicas share the work and a claim left by a dead replica
 * times out), storing vectors with the model id, marking another model's vectors for
 * re-embedding, and counting the backlog. Through the pool, in transactions of their own: the
 * worker runs beside requests, not inside one.
 */
@ApplicationScoped
public class EmbeddingRepository {

    private final Pool pool;
    private final String claim;
    private final String bumpVersion;
    private final String store;
    private final String markOtherModels;
    private final String countPending;

    public EmbeddingRepository(Pool pool, Sql sql, MemoryConfig config) {
        this.pool = pool;
        this.claim = sql.of("""
                update {schema}.memories m set embedding_claimed_at = now()
                 where m.id in (select id from {schema}.memories
                                 where needs_embedding
                                   and (embedding_claimed_at is null or embedding_claimed_at < now() - make_interval(secs => $2))
                                 order by created_at
                                 limit $1
                                 for update skip locked)
                returning m.id, m.context_id, m.content, m.content_hash,
                       case when coalesce(m.contextual_embedding,
                                          (select c.contextual_embedding from {schema}.memory_contexts c
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
        // A memory going back to pending is a change like any other: its row and its context move
        // to a new version, so every replica's index (and the hits it keeps) reads it again.
        // Contexts are locked in id order, as when vectors are stored.
        this.markOtherModels = sql.of("""
                with stale as (
                    select id, context_id from {schema}.memories
                     where not needs_embedding and embedding_model is distinct from $1),
                bumped as (
                    update {schema}.memory_contexts c set memory_version = c.memory_version + 1
                      from (select id from {schema}.memory_contexts
                             where id in (select context_id from stale) order by id for update) locked
                     where c.id = locked.id
                    returning c.id, c.memory_version)
                update {schema}.memories m set needs_embedding = true, change_version = b.memory_version
                  from stale s join bumped b on b.id = s.context_id
                 where m.id = s.id and not m.needs_embedding and m.embedding_model is distinct from $1""");
        this.countPending = sql.of("select count(*) from {schema}.memories where needs_embedding");
    }

    /**
     * A memory claimed for embedding; {@code previous} is the content of the memory written just
     * before it in its context when the context embeds contextually, else null.
     */
    public record Claimed(UUID id, UUID contextId, String content, String contentHash, String previous) {
        static Claimed of(Row row) {
            return new Claimed(
                    row.getUUID("id"),
                    row.getUUID("context_id"),
                    row.getString("content"),
                    row.getString("content_hash"),
                    row.getString("previous"));
        }
    }

    /** A claimed memory's vector, ready to store. */
    public record Computed(Claimed memory, float[] vector) {}

    /** Claims up to {@code limit} memories waiting for a vector, oldest first, past others' live claims. */
    public Uni<List<Claimed>> claim(int limit, Duration claimTimeout) {
        return pool.preparedQuery(claim)
                .execute(Tuple.of(limit, (double) claimTimeout.toSeconds()))
                .map(rows -> {
                    List<Claimed> claimed = new ArrayList<>();
                    rows.forEach(row -> claimed.add(Claimed.of(row)));
                    return claimed;
                });
    }

    /**
     * Stores the vectors in one short transaction that also moves their contexts' versions (the
     * context row locks order this change with the Scribe's writes, and the index sees it). A
     * memory whose context was deleted, or whose content changed since its claim, is left alone.
     */
    public Uni<Void> store(List<Computed> vectors, String modelId) {
        UUID[] contexts = vectors.stream()
                .map(vector -> vector.memory().contextId())
                .distinct()
                .toArray(UUID[]::new);
        return pool.withTransaction(connection -> connection
                .preparedQuery(bumpVersion)
                .execute(Tuple.of(contexts))
                .map(EmbeddingRepository::versions)
                .chain(versions -> {
                    List<Tuple> updates = updates(vectors, modelId, versions);
                    return updates.isEmpty()
                            ? Uni.createFrom().voidItem()
                            : connection
                                    .preparedQuery(store)
                                    .executeBatch(updates)
                                    .replaceWithVoid();
                }));
    }

    private static Map<UUID, Long> versions(Iterable<Row> rows) {
        Map<UUID, Long> versions = new HashMap<>();
        rows.forEach(row -> versions.put(row.getUUID("id"), row.getLong("memory_version")));
        return versions;
    }

    private static List<Tuple> updates(List<Computed> vectors, String modelId, Map<UUID, Long> versions) {
        List<Tuple> updates = new ArrayList<>();
        for (Computed computed : vectors) {
            Claimed claimed = computed.memory();
            Long version = versions.get(claimed.contextId());
            if (version != null) { // else the context was deleted meanwhile
                updates.add(Tuple.of(
                        Buffer.buffer(Vectors.toBytes(computed.vector())),
                        modelId,
                        version,
                        claimed.id(),
                        claimed.contentHash()));
            }
        }
        return updates;
    }

    /** Marks every memory embedded by a model other than {@code modelId} for re-embedding; answers how many. */
    public Uni<Integer> markOtherModels(String modelId) {
        return pool.preparedQuery(markOtherModels).execute(Tuple.of(modelId)).map(rows -> rows.rowCount());
    }

    /** How many memories wait for their vector (through the partial index on pending rows). */
    public Uni<Long> countPending() {
        return pool.query(countPending)
                .execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }
}
