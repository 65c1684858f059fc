package ai.prometheus.memory.search;

import ai.prometheus.memory.config.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the in-service {@link VectorIndex} reads from Postgres: the version and epoch of every
 * context, and the memories of one context changed since a version, with their vector, their
 * stored lexemes and what the search filters read. Read through the pool, outside any session:
 * a search loads its contexts beside its other queries.
 */
@ApplicationScoped
public class IndexRowRepository {

    private final Pool pool;
    private final String changedRows;
    private final String contextStates;

    public IndexRowRepository(Pool pool, Sql sql) {
        this.pool = pool;
        this.changedRows = sql.of("""
                select id, key, kind, created_at, occurred_at, superseded_at is null as current, embedding, embedding_model, change_version,
                       search_vector::text as lexemes
                  from {schema}.memories
                 where context_id = $1 and change_version > $2""");
        // Most active first, so the warm-up after a start reaches the busiest contexts soonest.
        this.contextStates = sql.of("select id, memory_version, reload_epoch from {schema}.memory_contexts"
                + " order by memory_version desc");
    }

    /** A context's version (moves with every change of its memories) and epoch (moves when memories are removed). */
    record ContextState(UUID id, long memoryVersion, long reloadEpoch) {}

    /** One memory as the index holds it; {@code embedding} (float32, little-endian) null while it waits for its vector. */
    record IndexRow(
            UUID id,
            String key,
            String kind,
            long createdAtMillis,
            long occurredAtMillis,
            boolean current,
            ByteBuffer embedding,
            String embeddingModel,
            long changeVersion,
            String lexemes) {}

    /** Every context, the most active first. */
    Uni<List<ContextState>> contextStates() {
        return pool.preparedQuery(contextStates).execute().map(rows -> {
            List<ContextState> states = new ArrayList<>();
            for (Row row : rows) {
                states.add(new ContextState(
                        row.getUUID("id"), row.getLong("memory_version"), row.getLong("reload_epoch")));
            }
            return states;
        });
    }

    /** The memories of {@code contextId} whose change version is above {@code version} (-1: all of them). */
    Uni<List<IndexRow>> changedSince(UUID contextId, long version) {
        return pool.preparedQuery(changedRows)
                .execute(Tuple.of(contextId, version))
                .map(rows -> {
                    List<IndexRow> changed = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        var embedding = row.getBuffer("embedding");
                        changed.add(new IndexRow(
                                row.getUUID("id"),
                                row.getString("key"),
                                row.getString("kind"),
                                row.getOffsetDateTime("created_at").toInstant().toEpochMilli(),
                                row.getOffsetDateTime("occurred_at").toInstant().toEpochMilli(),
                                row.getBoolean("current"),
                                // A view of the driver's copy of the bytes, decoded into the block.
                                embedding == null
                                        ? null
                                        : embedding.getDelegate().getByteBuf().nioBuffer(),
                                row.getString("embedding_model"),
                                row.getLong("change_version"),
                                row.getString("lexemes")));
                    }
                    return changed;
                });
    }
}
