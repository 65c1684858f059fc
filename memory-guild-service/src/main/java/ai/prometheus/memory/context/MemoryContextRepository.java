package ai.prometheus.memory.context;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.config.Sql;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class MemoryContextRepository implements PanacheRepositoryBase<MemoryContext, UUID> {

    private final Pool pool;
    private final Sql sql;
    private final int maxDepth;
    private final String lineageQuery;
    private final String sharedWithQuery;
    private final String subtreeQuery;
    private final String wholeSubtreeQuery;
    private final String bumpVersion;
    private final String bumpEpoch;

    public MemoryContextRepository(Pool pool, Sql sql, MemoryConfig config) {
        this.pool = pool;
        this.sql = sql;
        this.maxDepth = config.contexts().maxDepth();
        // The share level the caller holds directly on a context: 2 write, 1 read, null none.
        String sharedLevel = """
                (select max(case s.access when 'write' then 2 else 1 end) from {schema}.memory_shares s
                  where s.context_id = c.id and (s.expires_at is null or s.expires_at > now())
                    and ((s.grantee_type = 'group' and s.grantee = any($3::text[]))
                         or (s.grantee_type = $4 and s.grantee = $5)))""";
        this.lineageQuery = sql.of("""
                with recursive lineage(id, parent_context_id, depth) as (
                    select id, parent_context_id, 0 from {schema}.memory_contexts where id = $1
                    union all
                    select c.id, c.parent_context_id, l.depth + 1
                      from {schema}.memory_contexts c join lineage l on c.id = l.parent_context_id
                     where l.depth < $2
                )
                select c.id, c.parent_context_id, l.depth, c.name, c.owner, c.memory_version, c.reload_epoch,
                """ + sharedLevel + """
                 as shared
                  from lineage l join {schema}.memory_contexts c on c.id = l.id
                 order by l.depth
                """);
        this.sharedWithQuery = sql.of("""
                select distinct c.id, c.parent_context_id, c.name, c.owner, c.memory_version, c.reload_epoch
                  from {schema}.memory_shares s join {schema}.memory_contexts c on c.id = s.context_id
                 where (s.expires_at is null or s.expires_at > now())
                   and ((s.grantee_type = 'group' and s.grantee = any($1::text[]))
                        or (s.grantee_type = $2 and s.grantee = $3))
                """);
        this.subtreeQuery = sql.of("""
                with recursive subtree(id, depth) as (
                    select id, 0 from {schema}.memory_contexts where id = $1
                    union all
                    select c.id, s.depth + 1 from {schema}.memory_contexts c join subtree s on c.parent_context_id = s.id
                     where s.depth < $2
                )
                select id, depth from subtree order by depth
                """);
        this.wholeSubtreeQuery = sql.of("""
                with recursive subtree(id) as (
                    select id from {schema}.memory_contexts where id = $1
                    union
                    select c.id from {schema}.memory_contexts c join subtree s on c.parent_context_id = s.id
                )
                select id from subtree
                """);
        this.bumpVersion = sql.of("""
                with bumped as (
                    update {schema}.memory_contexts set memory_version = memory_version + 1 where id = :id
                    returning memory_version)
                select memory_version from bumped""");
        this.bumpEpoch = sql.of("""
                with bumped as (
                    update {schema}.memory_contexts set memory_version = memory_version + 1,
                           reload_epoch = reload_epoch + 1 where id = :id
                    returning memory_version)
                select memory_version from bumped""");
    }

    /** The context and its ancestors (nearest first) with the viewer's access to each; empty when the context does not exist. */
    public Uni<ContextLineage> lineage(UUID contextId, Viewer viewer) {
        return pool.preparedQuery(lineageQuery)
                .execute(Tuple.of(
                        contextId,
                        maxDepth + 1,
                        viewer.groups().toArray(String[]::new),
                        viewer.granteeType(),
                        viewer.subject()))
                .map(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    return new ContextLineage(contextId, resolveAccess(list, viewer));
                });
    }

    // Access flows down the tree, so it is resolved from the root towards the context.
    private static List<LineageEntry> resolveAccess(List<Row> nearestFirst, Viewer viewer) {
        LineageEntry[] entries = new LineageEntry[nearestFirst.size()];
        Access inherited = Access.NONE;
        for (int i = nearestFirst.size() - 1; i >= 0; i--) {
            Row row = nearestFirst.get(i);
            UUID id = row.getUUID("id");
            String owner = row.getString("owner");
            Access access = inherited;
            if (viewer.administrator() || (owner != null && owner.equals(viewer.subject()))) {
                access = Access.MANAGE;
            }
            Integer shared = row.getInteger("shared");
            if (shared != null) {
                access = Access.max(access, shared == 2 ? Access.WRITE : Access.READ);
            }
            access = Access.max(access, viewer.targetedAccess(id.toString()));
            entries[i] = new LineageEntry(
                    id,
                    row.getUUID("parent_context_id"),
                    row.getInteger("depth"),
                    row.getString("name"),
                    owner,
                    row.getLong("memory_version"),
                    row.getLong("reload_epoch"),
                    access);
            inherited = access;
        }
        return List.of(entries);
    }

    /** Contexts shared directly with the viewer (unexpired), as lineage entries without depth. */
    public Uni<List<LineageEntry>> sharedWith(Viewer viewer) {
        return pool.preparedQuery(sharedWithQuery)
                .execute(Tuple.of(viewer.groups().toArray(String[]::new), viewer.granteeType(), viewer.subject()))
                .map(rows -> {
                    List<LineageEntry> entries = new ArrayList<>();
                    for (Row row : rows) {
                        entries.add(new LineageEntry(
                                row.getUUID("id"),
                                row.getUUID("parent_context_id"),
                                null,
                                row.getString("name"),
                                row.getString("owner"),
                                row.getLong("memory_version"),
                                row.getLong("reload_epoch"),
                                Access.READ));
                    }
                    return entries;
                });
    }

    /** The context and every context below it, parents before children. */
    public Uni<List<UUID>> subtree(UUID contextId) {
        return pool.preparedQuery(subtreeQuery)
                .execute(Tuple.of(contextId, maxDepth + 1))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getUUID("id")));
                    return ids;
                });
    }

    /**
     * Every context below {@code contextId} and itself, however deep (a tree restored or written
     * before the depth limit may be deeper than it): what a cascading delete removes. {@code union}
     * rather than {@code union all}, so even a cycle written around the trigger would end.
     */
    public Uni<List<UUID>> wholeSubtree(UUID contextId) {
        return pool.preparedQuery(wholeSubtreeQuery)
                .execute(Tuple.of(contextId))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getUUID("id")));
                    return ids;
                });
    }

    /** How many levels hang below the context (0 for a leaf). */
    public Uni<Integer> height(UUID contextId) {
        return pool.preparedQuery(subtreeQuery)
                .execute(Tuple.of(contextId, maxDepth + 1))
                .map(rows -> {
                    int height = 0;
                    for (Row row : rows) {
                        height = Math.max(height, row.getInteger("depth"));
                    }
                    return height;
                });
    }

    /**
     * Locks the context row for a change to its memories (writers of one context serialize here,
     * so versions commit in order) and answers the version of the change. Inside a transaction.
     */
    public Uni<Long> lockForWrite(UUID contextId) {
        return versionBump(bumpVersion, contextId);
    }

    /** Like {@link #lockForWrite} for a change that removes memories: cached copies must be rebuilt. */
    public Uni<Long> lockForRemoval(UUID contextId) {
        return versionBump(bumpEpoch, contextId);
    }

    private Uni<Long> versionBump(String statement, UUID contextId) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery(statement)
                        .setParameter("id", contextId)
                        .getSingleResultOrNull())
                .map(version -> version == null ? null : ((Number) version).longValue());
    }

    /** Contexts the viewer owns or that are shared with it directly (all contexts for an administrator), newest first. */
    public Uni<List<MemoryContext>> listVisible(Viewer viewer, UUID agentId, int offset, int limit) {
        StringBuilder where = new StringBuilder();
        List<Object> params = new ArrayList<>();
        if (!viewer.administrator()) {
            params.add(viewer.subject());
            params.add(viewer.groups().toArray(String[]::new));
            params.add(viewer.granteeType());
            where.append(
                    " and (c.owner = $1 or exists (select 1 from {schema}.memory_shares s where s.context_id = c.id"
                            + " and (s.expires_at is null or s.expires_at > now())"
                            + " and ((s.grantee_type = 'group' and s.grantee = any($2::text[])) or (s.grantee_type = $3 and s.grantee = $1))))");
        }
        if (agentId != null) {
            params.add(agentId);
            where.append(" and c.agent_id = $").append(params.size());
        }
        params.add(limit);
        params.add(offset);
        String query = sql.of("select c.id from {schema}.memory_contexts c where true" + where
                + " order by c.created_at desc, c.id desc limit $" + (params.size() - 1) + " offset $" + params.size());
        return pool.preparedQuery(query)
                .execute(Tuple.from(params))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getUUID("id")));
                    return ids;
                })
                .chain(this::findOrdered);
    }

    /** Entities for {@code ids}, in that order. */
    public Uni<List<MemoryContext>> findOrdered(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("id in ?1", ids).map(found -> {
            java.util.Map<UUID, MemoryContext> byId = new java.util.HashMap<>();
            found.forEach(context -> byId.put(context.id, context));
            return ids.stream()
                    .map(byId::get)
                    .filter(java.util.Objects::nonNull)
                    .toList();
        });
    }

    public Uni<List<MemoryContext>> children(UUID parentId, int offset, int limit) {
        return find("parentContextId = ?1 order by createdAt, id", parentId)
                .range(offset, offset + limit - 1)
                .list();
    }

    public Uni<Long> countChildren(UUID parentId) {
        return count("parentContextId", parentId);
    }
}
