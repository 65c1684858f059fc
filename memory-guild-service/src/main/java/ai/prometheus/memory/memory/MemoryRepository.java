package ai.prometheus.memory.memory;

import ai.prometheus.memory.config.Sql;
import ai.prometheus.memory.context.ResolvedScope;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class MemoryRepository implements PanacheRepositoryBase<Memory, UUID> {

    /** The columns of {@link #view(Row, Integer)}, for queries over {@code {schema}.memories m}. */
    public static final String VIEW_COLUMNS =
            " m.id, m.context_id, m.content, m.kind, m.key, m.metadata::text as metadata,"
                    + " m.importance, m.needs_embedding, m.created_by, m.created_at, m.occurred_at, m.updated_at, m.superseded_at, m.superseded_by,"
                    + " m.contextual_embedding";

    /**
     * Keeps a memory out of a lineage read when a nearer context (smaller depth) holds a current
     * memory with the same key. Expects {@code scope(id, depth)} and {@code m} in the query.
     */
    public static final String NOT_SHADOWED = """
            (m.key is null or s.depth is null or not exists (
                select 1 from {schema}.memories m2 join scope s2 on s2.id = m2.context_id
                 where m2.key = m.key and m2.superseded_at is null and s2.depth < s.depth))""";

    private final Pool pool;
    private final Sql sql;
    private final ObjectMapper mapper;
    private final String pageQuery;
    private final String byIdsQuery;
    private final String versionedByIdsQuery;
    private final String supersede;
    private final String clearEmbedding;
    private final String neighborsQuery;

    public MemoryRepository(Pool pool, Sql sql, ObjectMapper mapper) {
        this.pool = pool;
        this.sql = sql;
        this.mapper = mapper;
        this.pageQuery = sql.of("""
                with scope(id, depth) as (select * from unnest($1::uuid[], $2::int[]))
                select """ + VIEW_COLUMNS + """
                , s.depth
                  from {schema}.memories m join scope s on s.id = m.context_id
                 where ($3::boolean or (m.superseded_at is null and """ + NOT_SHADOWED + """
                ))
                   and ($4::text is null or m.kind = $4)
                   and ($5::text is null or m.key = $5)
                 order by s.depth nulls last, m.created_at desc, m.id desc
                 limit $6 offset $7
                """);
        this.byIdsQuery = sql.of("select " + VIEW_COLUMNS + " from {schema}.memories m where m.id = any($1::uuid[])");
        this.versionedByIdsQuery = sql.of(
                "select " + VIEW_COLUMNS + ", m.change_version from {schema}.memories m where m.id = any($1::uuid[])");
        this.supersede = sql.of("""
                update {schema}.memories set superseded_at = :now, superseded_by = :newId, updated_at = :now,
                       change_version = :version
                 where context_id = :contextId and key = :key and superseded_at is null""");
        // Per hit, the n memories just before and just after it in its own context (creation
        // order, the context index serves both directions), current ones unless asked otherwise.
        this.neighborsQuery = sql.of("""
                select h.id as hit, n.side, n.position, """ + VIEW_COLUMNS.replace("m.", "n.") + """
                  from unnest($1::uuid[]) h(id) join {schema}.memories hm on hm.id = h.id
                  cross join lateral (
                        (select p.*, -1 as side, row_number() over () as position from (
                            select * from {schema}.memories m
                             where m.context_id = hm.context_id and (m.created_at, m.id) < (hm.created_at, hm.id)
                               and ($3::boolean or m.superseded_at is null)
                             order by m.created_at desc, m.id desc limit $2) p)
                        union all
                        (select q.*, 1 as side, row_number() over () as position from (
                            select * from {schema}.memories m
                             where m.context_id = hm.context_id and (m.created_at, m.id) > (hm.created_at, hm.id)
                               and ($3::boolean or m.superseded_at is null)
                             order by m.created_at, m.id limit $2) q)) n
                """);
        this.clearEmbedding =
                sql.of("update {schema}.memories set embedding = null, embedding_claimed_at = null where id = :id");
    }

    /** One page of the memories a scope sees, nearest context first, newest first within a context. */
    public Uni<List<MemoryView>> page(
            ResolvedScope scope, boolean includeSuperseded, String kind, String key, int offset, int limit) {
        return pool.preparedQuery(pageQuery)
                .execute(Tuple.from(
                        new Object[] {scope.contextIds(), scope.depths(), includeSuperseded, kind, key, limit, offset}))
                .map(rows -> {
                    List<MemoryView> views = new ArrayList<>();
                    rows.forEach(row -> views.add(view(row, row.getInteger("depth"))));
                    return views;
                });
    }

    /** Views of the given memories (without depth), by id. */
    public Uni<Map<UUID, MemoryView>> views(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(byIdsQuery)
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, MemoryView> views = new HashMap<>();
                    rows.forEach(row -> views.put(row.getUUID("id"), view(row, null)));
                    return views;
                });
    }

    /** A memory's view with the change version it was read at. */
    public record Versioned(MemoryView view, long changeVersion) {}

    /** Views of the given memories (without depth) with their change versions, by id, for a cache. */
    public Uni<Map<UUID, Versioned>> versionedViews(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(versionedByIdsQuery)
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, Versioned> views = new HashMap<>();
                    rows.forEach(row -> views.put(
                            row.getUUID("id"), new Versioned(view(row, null), row.getLong("change_version"))));
                    return views;
                });
    }

    /** A hit's neighbours in its context: those before it (nearest last) and after it (nearest first). */
    public record Neighbors(List<MemoryView> before, List<MemoryView> after) {}

    /** The {@code n} memories written just before and after each hit in the hit's own context. */
    public Uni<Map<UUID, Neighbors>> neighbors(List<UUID> hits, int n, boolean includeSuperseded) {
        if (hits.isEmpty() || n == 0) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(neighborsQuery)
                .execute(Tuple.of(hits.toArray(UUID[]::new), n, includeSuperseded))
                .map(rows -> {
                    Map<UUID, List<Row>> before = new HashMap<>();
                    Map<UUID, List<Row>> after = new HashMap<>();
                    rows.forEach(row -> (row.getInteger("side") < 0 ? before : after)
                            .computeIfAbsent(row.getUUID("hit"), hit -> new ArrayList<>())
                            .add(row));
                    Map<UUID, Neighbors> neighbors = new HashMap<>();
                    for (UUID hit : hits) {
                        List<MemoryView> earlier = ordered(before.get(hit));
                        java.util.Collections.reverse(earlier); // fetched nearest first, shown in time order
                        neighbors.put(hit, new Neighbors(earlier, ordered(after.get(hit))));
                    }
                    return neighbors;
                });
    }

    private List<MemoryView> ordered(List<Row> rows) {
        List<MemoryView> views = new ArrayList<>();
        if (rows != null) {
            rows.sort(java.util.Comparator.comparingLong(row -> row.getLong("position")));
            rows.forEach(row -> views.add(view(row, null)));
        }
        return views;
    }

    public Uni<Memory> findCurrentByHash(UUID contextId, String contentHash) {
        return find("contextId = ?1 and contentHash = ?2 and supersededAt is null", contextId, contentHash)
                .firstResult();
    }

    public Uni<Memory> findCurrentByKey(UUID contextId, String key) {
        return find("contextId = ?1 and key = ?2 and supersededAt is null", contextId, key)
                .firstResult();
    }

    /** Marks the current memory with {@code key} superseded by {@code newId}; answers how many rows changed (0 or 1). */
    public Uni<Integer> supersede(UUID contextId, String key, UUID newId, long version, OffsetDateTime now) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery(supersede)
                        .setParameter("now", now)
                        .setParameter("newId", newId)
                        .setParameter("version", version)
                        .setParameter("contextId", contextId)
                        .setParameter("key", key)
                        .executeUpdate());
    }

    public Uni<Integer> clearEmbedding(UUID id) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery(clearEmbedding)
                        .setParameter("id", id)
                        .executeUpdate());
    }

    /** The memories that {@code id} superseded directly (normally the one previous version). */
    public Uni<List<Memory>> supersededBy(UUID id) {
        return list("supersededBy = ?1 order by supersededAt desc, createdAt desc", id);
    }

    public MemoryView view(Row row, Integer depth) {
        return new MemoryView(
                row.getUUID("id"),
                row.getUUID("context_id"),
                depth,
                row.getString("content"),
                row.getString("kind"),
                row.getString("key"),
                json(row.getString("metadata")),
                MemoryView.decimal(row.getFloat("importance")),
                row.getBoolean("needs_embedding") ? "pending" : "ready",
                row.getString("created_by"),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("occurred_at"),
                row.getOffsetDateTime("updated_at"),
                row.getOffsetDateTime("superseded_at"),
                row.getUUID("superseded_by"),
                row.getBoolean("contextual_embedding"));
    }

    private JsonNode json(String text) {
        try {
            return text == null ? null : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metadata column holds invalid JSON", e);
        }
    }

    public Sql sql() {
        return sql;
    }
}
