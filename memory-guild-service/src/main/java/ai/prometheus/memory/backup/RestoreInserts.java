package ai.prometheus.memory.backup;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.config.Sql;
import ai.prometheus.memory.embedding.Embedder;
import ai.prometheus.memory.memory.ContentHash;
import ai.prometheus.shared.problem.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Writes the records of a backup file into the schema, inside the caller's transaction. */
final class RestoreInserts implements BackupReader.Visitor {

    private static final int BATCH = 500;

    private final Connection connection;
    private final Sql sql;
    private final MemoryConfig config;
    private final Embedder embedder;
    private final PreparedStatement insertContext;
    private final PreparedStatement insertShare;
    private final List<BackupFormat.MemoryRecord> pending = new ArrayList<>();
    private final Set<UUID> touched = new HashSet<>();
    private final Set<UUID> restoredContexts = new HashSet<>();
    /** Depth of each context of the file where it lands: a root kept under an existing parent starts below it. */
    private final Map<UUID, Integer> depths = new HashMap<>();

    private final PreparedStatement depthOf;
    private long contexts;
    private long contextsRestored;
    private long memories;
    private long memoriesRestored;
    private long shares;
    private long sharesRestored;
    private long reembedding;

    RestoreInserts(Connection connection, Sql sql, MemoryConfig config, Embedder embedder) throws SQLException {
        this.connection = connection;
        this.sql = sql;
        this.config = config;
        this.embedder = embedder;
        // A root's parent outside the file is kept when it exists here, else the root becomes a root.
        this.insertContext = connection.prepareStatement(sql.of("""
                insert into {schema}.memory_contexts (id, agent_id, context_data, parent_context_id, created_at, name,
                                                      owner, metadata, updated_at, contextual_embedding)
                values (?, ?, cast(? as jsonb), (select id from {schema}.memory_contexts where id = ?), ?, ?, ?,
                        cast(? as jsonb), ?, ?)
                on conflict (id) do nothing"""));
        this.depthOf = connection.prepareStatement(sql.of("""
                with recursive up(id, parent_context_id, depth) as (
                    select id, parent_context_id, 0 from {schema}.memory_contexts where id = ?
                    union all
                    select c.id, c.parent_context_id, u.depth + 1 from {schema}.memory_contexts c
                      join up u on c.id = u.parent_context_id where u.depth <= ?
                )
                select max(depth) from up"""));
        this.insertShare = connection.prepareStatement(sql.of("""
                insert into {schema}.memory_shares (id, context_id, grantee_type, grantee, access, expires_at,
                                                    created_by, created_at)
                values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing"""));
    }

    @Override
    public void header(BackupFormat.Header header) {}

    @Override
    public void context(BackupFormat.ContextRecord context) {
        try {
            requireDepth(context);
            insertContext.setObject(1, context.id());
            insertContext.setObject(2, context.agentId());
            insertContext.setString(3, text(context.contextData()));
            insertContext.setObject(4, context.parentContextId());
            insertContext.setObject(5, context.createdAt());
            insertContext.setString(6, context.name());
            insertContext.setString(7, context.owner());
            insertContext.setString(
                    8, context.metadata() == null ? "{}" : context.metadata().toString());
            insertContext.setObject(9, context.updatedAt() == null ? context.createdAt() : context.updatedAt());
            insertContext.setObject(10, context.contextualEmbedding(), java.sql.Types.BOOLEAN);
            contexts++;
            if (insertContext.executeUpdate() == 1) {
                contextsRestored++;
                restoredContexts.add(context.id());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot restore context " + context.id(), e);
        }
    }

    /** The depth limit of the REST API holds where the context lands, under an existing parent too. */
    private void requireDepth(BackupFormat.ContextRecord context) throws SQLException {
        UUID parent = context.parentContextId();
        int depth;
        if (parent == null) {
            depth = 0;
        } else if (depths.containsKey(parent)) {
            depth = depths.get(parent) + 1;
        } else {
            depthOf.setObject(1, parent);
            depthOf.setInt(2, config.contexts().maxDepth() + 1);
            try (ResultSet rows = depthOf.executeQuery()) {
                // null when the parent does not exist here: the root becomes a root
                depth = rows.next() && rows.getObject(1) != null ? rows.getInt(1) + 1 : 0;
            }
        }
        if (depth > config.contexts().maxDepth()) {
            throw ProblemException.invalidField(
                    "file",
                    "context " + context.id() + " would be at depth " + depth + " under its parent " + parent
                            + ", deeper than the limit of " + config.contexts().maxDepth());
        }
        depths.put(context.id(), depth);
    }

    @Override
    public void memory(BackupFormat.MemoryRecord memory) {
        pending.add(memory);
        memories++;
        if (pending.size() == BATCH) {
            flushMemories();
        }
    }

    @Override
    public void share(BackupFormat.ShareRecord share) {
        flushMemories();
        try {
            insertShare.setObject(1, share.id());
            insertShare.setObject(2, share.contextId());
            insertShare.setString(3, share.granteeType());
            insertShare.setString(4, share.grantee());
            insertShare.setString(5, share.access());
            insertShare.setObject(6, share.expiresAt());
            insertShare.setString(7, share.createdBy() == null ? "restore" : share.createdBy());
            insertShare.setObject(8, share.createdAt() == null ? BackupFiles.now() : share.createdAt());
            shares++;
            sharesRestored += insertShare.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot restore share " + share.id(), e);
        }
    }

    // Many rows per statement: arrays unnested into one insert, answering the ids it inserted.
    private void flushMemories() {
        if (pending.isEmpty()) {
            return;
        }
        int n = pending.size();
        Object[] ids = new Object[n];
        Object[] contextIds = new Object[n];
        String[] contents = new String[n];
        String[] kinds = new String[n];
        String[] keys = new String[n];
        String[] metadata = new String[n];
        Float[] importance = new Float[n];
        String[] hashes = new String[n];
        String[] sources = new String[n];
        byte[][] embeddingBytes = new byte[n][];
        String[] models = new String[n];
        Boolean[] needsEmbedding = new Boolean[n];
        String[] createdBy = new String[n];
        String[] createdAt = new String[n];
        String[] occurredAt = new String[n];
        Boolean[] contextual = new Boolean[n];
        String[] updatedAt = new String[n];
        String[] supersededAt = new String[n];
        Object[] supersededBy = new Object[n];
        for (int i = 0; i < n; i++) {
            BackupFormat.MemoryRecord memory = pending.get(i);
            ids[i] = memory.id();
            contextIds[i] = memory.contextId();
            contents[i] = memory.content();
            kinds[i] = memory.kind();
            keys[i] = memory.key();
            metadata[i] = memory.metadata() == null ? "{}" : memory.metadata().toString();
            importance[i] = (float) memory.importance();
            // Recomputed, not trusted: deduplication must hold for restored rows too.
            hashes[i] = ContentHash.of(memory.kind(), memory.key(), memory.sourceRef(), memory.content());
            sources[i] = memory.sourceRef();
            boolean usable = memory.embedding() != null && embedder.modelId().equals(memory.embeddingModel());
            embeddingBytes[i] = usable ? Base64.getDecoder().decode(memory.embedding()) : null;
            if (usable && embeddingBytes[i].length != Embedder.DIMENSIONS * Float.BYTES) {
                throw ProblemException.invalidField(
                        "file",
                        "memory " + memory.id() + " has an embedding of "
                                + embeddingBytes[i].length + " bytes; " + embedder.modelId() + " makes "
                                + Embedder.DIMENSIONS * Float.BYTES);
            }
            models[i] = usable ? memory.embeddingModel() : null;
            needsEmbedding[i] = !usable;
            createdBy[i] = memory.createdBy();
            createdAt[i] = memory.createdAt().toString();
            occurredAt[i] = (memory.occurredAt() == null ? memory.createdAt() : memory.occurredAt()).toString();
            updatedAt[i] = memory.updatedAt().toString();
            contextual[i] = memory.contextualEmbedding();
            supersededAt[i] =
                    memory.supersededAt() == null ? null : memory.supersededAt().toString();
            supersededBy[i] = memory.supersededBy();
        }
        String insert = sql.of("""
                insert into {schema}.memories (id, context_id, content, kind, key, metadata, importance, content_hash,
                                               source_ref, embedding, embedding_model, needs_embedding, created_by,
                                               created_at, updated_at, superseded_at, superseded_by, change_version,
                                               occurred_at, contextual_embedding)
                select id, context_id, content, kind, key, cast(metadata as jsonb), importance, content_hash, source_ref,
                       embedding, embedding_model, needs_embedding, created_by, cast(created_at as timestamptz),
                       cast(updated_at as timestamptz), cast(superseded_at as timestamptz), superseded_by, 0,
                       cast(occurred_at as timestamptz), contextual_embedding
                  from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::real[], ?::text[],
                              ?::text[], ?::bytea[], ?::text[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[],
                              ?::uuid[], ?::text[], ?::boolean[])
                       as r(id, context_id, content, kind, key, metadata, importance, content_hash, source_ref,
                            embedding, embedding_model, needs_embedding, created_by, created_at, updated_at,
                            superseded_at, superseded_by, occurred_at, contextual_embedding)
                on conflict do nothing
                returning id, context_id, needs_embedding""");
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            statement.setArray(1, connection.createArrayOf("uuid", ids));
            statement.setArray(2, connection.createArrayOf("uuid", contextIds));
            statement.setArray(3, connection.createArrayOf("text", contents));
            statement.setArray(4, connection.createArrayOf("text", kinds));
            statement.setArray(5, connection.createArrayOf("text", keys));
            statement.setArray(6, connection.createArrayOf("text", metadata));
            statement.setArray(7, connection.createArrayOf("float4", importance));
            statement.setArray(8, connection.createArrayOf("text", hashes));
            statement.setArray(9, connection.createArrayOf("text", sources));
            statement.setArray(10, connection.createArrayOf("bytea", embeddingBytes));
            statement.setArray(11, connection.createArrayOf("text", models));
            statement.setArray(12, connection.createArrayOf("bool", needsEmbedding));
            statement.setArray(13, connection.createArrayOf("text", createdBy));
            statement.setArray(14, connection.createArrayOf("text", createdAt));
            statement.setArray(15, connection.createArrayOf("text", updatedAt));
            statement.setArray(16, connection.createArrayOf("text", supersededAt));
            statement.setArray(17, connection.createArrayOf("uuid", supersededBy));
            statement.setArray(18, connection.createArrayOf("text", occurredAt));
            statement.setArray(19, connection.createArrayOf("bool", contextual));
            try (ResultSet inserted = statement.executeQuery()) {
                while (inserted.next()) {
                    memoriesRestored++;
                    touched.add(inserted.getObject("context_id", UUID.class));
                    if (inserted.getBoolean("needs_embedding")) {
                        reembedding++;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot restore memories", e);
        }
        pending.clear();
    }

    RestoreReport finish(UUID backupId) throws SQLException {
        flushMemories();
        if (!touched.isEmpty()) {
            Array ids = connection.createArrayOf("uuid", touched.toArray());
            // A restore is one change of each context it wrote to: the context moves to a new
            // version and epoch (every replica rebuilds its cached copy), and a row it changes again,
            // a version whose successor was not restored (it exists neither here nor in the file),
            // takes that version as every writer's rows do, so no cached hit of it outlives the
            // change. Contexts are locked in id order, as when vectors are stored.
            try (PreparedStatement relink = connection.prepareStatement(sql.of("""
                    with bumped as (
                        update {schema}.memory_contexts c set memory_version = c.memory_version + 1,
                               reload_epoch = c.reload_epoch + 1
                          from (select id from {schema}.memory_contexts where id = any(?) order by id for update) locked
                         where c.id = locked.id
                        returning c.id, c.memory_version)
                    update {schema}.memories m set superseded_by = null, change_version = b.memory_version
                      from bumped b
                     where m.context_id = b.id and m.superseded_by is not null
                       and not exists (select 1 from {schema}.memories x where x.id = m.superseded_by)"""))) {
                relink.setArray(1, ids);
                relink.executeUpdate();
            }
        }
        insertContext.close();
        insertShare.close();
        return new RestoreReport(
                backupId,
                new RestoreReport.Counts(contextsRestored, contexts - contextsRestored),
                new RestoreReport.Counts(memoriesRestored, memories - memoriesRestored),
                new RestoreReport.Counts(sharesRestored, shares - sharesRestored),
                reembedding);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.toString();
    }
}
