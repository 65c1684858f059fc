package ai.prometheus.memory.backup;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.config.Sql;
import ai.prometheus.memory.context.Access;
import ai.prometheus.memory.context.Coordinator;
import ai.prometheus.memory.context.Viewer;
import ai.prometheus.memory.embedding.Embedder;
import ai.prometheus.memory.embedding.EmbeddingWorker;
import ai.prometheus.memory.memory.ContentHash;
import ai.prometheus.shared.error.ErrorReporter;
import ai.prometheus.shared.problem.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;
import org.jboss.logging.Logger;

/**
 * The Archivist of the Memory Guild: writes context trees (contexts, memories with their
 * embeddings and model id, shares) to portable backup files, restores them idempotently, takes
 * scheduled backups and keeps only as many as configured. Backups read one consistent snapshot
 * (repeatable read); a restore is one transaction, so a bad or truncated file leaves nothing.
 */
@ApplicationScoped
public class Archivist {

    private static final Logger LOG = Logger.getLogger(Archivist.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final int BATCH = 500;
    private static final int ANALYZE_AFTER = 10_000;

    private final BackupRepository backups;
    private final AgroalDataSource dataSource;
    private final Sql sql;
    private final ObjectMapper mapper;
    private final MemoryConfig config;
    private final Embedder embedder;
    private final EmbeddingWorker embeddings;
    private final Coordinator coordinator;
    private final ErrorReporter errors;
    private final ExecutorService jobs = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "archivist");
        thread.setDaemon(true);
        return thread;
    });

    public Archivist(BackupRepository backups, AgroalDataSource dataSource, Sql sql, ObjectMapper mapper,
            MemoryConfig config, Embedder embedder, EmbeddingWorker embeddings, Coordinator coordinator,
            ErrorReporter errors) {
        this.backups = backups;
        this.dataSource = dataSource;
        this.sql = sql;
        this.mapper = mapper;
        this.config = config;
        this.embedder = embedder;
        this.embeddings = embeddings;
        this.coordinator = coordinator;
        this.errors = errors;
    }

    void stop(@Observes ShutdownEvent event) {
        jobs.shutdownNow();
    }

    // --- backups ----------------------------------------------------------------------------

    /**
     * Starts a backup of the tree under {@code rootContextId} (manage access needed), or of every
     * context (memory:admin). Answers at once; the file is written in the background.
     */
    public BackupView start(Viewer viewer, UUID rootContextId) {
        if (rootContextId != null) {
            coordinator.require(viewer, rootContextId, Access.MANAGE).await().atMost(Duration.ofSeconds(30));
        } else if (!viewer.administrator()) {
            throw ProblemException.forbidden("a backup of every context needs the permission memory:admin;"
                    + " name a contextId to back up a tree you own");
        }
        UUID id = UUID.randomUUID();
        String fileName = fileName(id);
        backups.insertRunning(id, "manual", null, rootContextId, fileName, embedder.modelId(), viewer.subject());
        jobs.submit(() -> write(id, rootContextId, fileName));
        return backups.find(id).orElseThrow();
    }

    @Scheduled(cron = "{memory.backup.schedule}", identity = "memory-scheduled-backup",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled(ScheduledExecution execution) {
        scheduledBackup("scheduled-" + execution.getScheduledFireTime().truncatedTo(ChronoUnit.MINUTES));
    }

    /**
     * Takes the scheduled backup of every context for {@code slot} unless another replica took it,
     * then deletes the scheduled backups beyond the configured retention.
     */
    public Optional<BackupView> scheduledBackup(String slot) {
        UUID id = UUID.randomUUID();
        String fileName = fileName(id);
        if (!backups.insertRunning(id, "scheduled", slot, null, fileName, embedder.modelId(), null)) {
            return Optional.empty();
        }
        write(id, null, fileName);
        prune();
        return backups.find(id);
    }

    private void prune() {
        for (BackupView old : backups.scheduledBeyond(config.backup().retention())) {
            try {
                Files.deleteIfExists(directory().resolve(old.fileName()));
                backups.delete(old.id());
                LOG.infof("Deleted scheduled backup %s beyond the retention of %d", old.id(), config.backup().retention());
            } catch (IOException e) {
                LOG.warnf(e, "Could not delete the file of backup %s", old.id());
            }
        }
    }

    private void write(UUID id, UUID rootContextId, String fileName) {
        Path target = directory().resolve(fileName);
        Path partial = directory().resolve(fileName + ".part");
        try {
            Files.createDirectories(directory());
            MessageDigest sha = sha256();
            Exported exported;
            try (OutputStream file = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16), sha)) {
                exported = export(rootContextId, file);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            backups.complete(id, exported.contexts(), exported.memories(), exported.shares(), Files.size(target),
                    HexFormat.of().formatHex(sha.digest()), embedder.modelId());
            LOG.infof("Backup %s written: %d contexts, %d memories, %d shares", id, exported.contexts(),
                    exported.memories(), exported.shares());
        } catch (Exception e) {
            LOG.errorf(e, "Backup %s failed", id);
            backups.fail(id, e instanceof ProblemException ? e.getMessage() : "the backup could not be written");
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the failure above is what matters
            }
            errors.report(e, Map.of("backup", id.toString())).await().atMost(Duration.ofSeconds(10));
        }
    }

    record Exported(long contexts, long memories, long shares) {
    }

    /** Writes the tree under {@code rootContextId} (every context when null) as a gzip JSON-lines stream. */
    public Exported export(UUID rootContextId, OutputStream out) throws IOException, SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
                Writer writer = new java.io.OutputStreamWriter(gzip, StandardCharsets.UTF_8);
                List<BackupFormat.ContextRecord> contexts = contexts(connection, rootContextId);
                List<UUID> roots = contexts.stream()
                        .filter(context -> context.parentContextId() == null || context.id().equals(rootContextId))
                        .map(BackupFormat.ContextRecord::id).toList();
                line(writer, new BackupFormat.Header(BackupFormat.FORMAT, BackupFormat.VERSION, now(), embedder.modelId(),
                        Embedder.DIMENSIONS, roots, "memory-guild-service"));
                for (BackupFormat.ContextRecord context : contexts) {
                    line(writer, context);
                }
                Array ids = connection.createArrayOf("uuid", contexts.stream().map(BackupFormat.ContextRecord::id).toArray());
                long memories = memories(connection, ids, writer);
                long shares = shares(connection, ids, writer);
                line(writer, new BackupFormat.Trailer(BackupFormat.END, contexts.size(), memories, shares));
                writer.flush();
                gzip.finish();
                return new Exported(contexts.size(), memories, shares);
            } finally {
                connection.rollback();
            }
        }
    }

    private List<BackupFormat.ContextRecord> contexts(Connection connection, UUID root) throws SQLException {
        String query = sql.of("""
                with recursive tree(id, depth) as (
                    select id, 0 from {schema}.memory_contexts
                     where (cast(? as uuid) is null and parent_context_id is null) or id = cast(? as uuid)
                    union all
                    select c.id, t.depth + 1 from {schema}.memory_contexts c join tree t on c.parent_context_id = t.id
                )
                select c.id, c.parent_context_id, c.agent_id, c.name, c.owner, c.context_data::text as context_data,
                       c.metadata::text as metadata, c.created_at, c.updated_at
                  from tree t join {schema}.memory_contexts c on c.id = t.id
                 order by t.depth, c.created_at, c.id""");
        List<BackupFormat.ContextRecord> contexts = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setObject(1, root);
            statement.setObject(2, root);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    contexts.add(new BackupFormat.ContextRecord(BackupFormat.CONTEXT, rs.getObject("id", UUID.class),
                            rs.getObject("parent_context_id", UUID.class), rs.getObject("agent_id", UUID.class),
                            rs.getString("name"), rs.getString("owner"), json(rs.getString("context_data")),
                            json(rs.getString("metadata")), rs.getObject("created_at", OffsetDateTime.class),
                            rs.getObject("updated_at", OffsetDateTime.class)));
                }
            }
        }
        if (root != null && contexts.isEmpty()) {
            throw ProblemException.notFound("context", root);
        }
        return contexts;
    }

    private long memories(Connection connection, Array contextIds, Writer writer) throws SQLException, IOException {
        String query = sql.of("""
                select id, context_id, content, kind, key, metadata::text as metadata, importance, content_hash, source_ref,
                       created_by, created_at, updated_at, superseded_at, superseded_by, embedding, embedding_model,
                       occurred_at
                  from {schema}.memories where context_id = any(?)
                 order by context_id, created_at, id""");
        long count = 0;
        Base64.Encoder base64 = Base64.getEncoder();
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setFetchSize(1_000);
            statement.setArray(1, contextIds);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    byte[] embedding = rs.getBytes("embedding");
                    line(writer, new BackupFormat.MemoryRecord(BackupFormat.MEMORY, rs.getObject("id", UUID.class),
                            rs.getObject("context_id", UUID.class), rs.getString("content"), rs.getString("kind"),
                            rs.getString("key"), json(rs.getString("metadata")), rs.getFloat("importance"),
                            rs.getString("content_hash"), rs.getString("source_ref"), rs.getString("created_by"),
                            rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class),
                            rs.getObject("superseded_at", OffsetDateTime.class), rs.getObject("superseded_by", UUID.class),
                            embedding == null ? null : base64.encodeToString(embedding),
                            embedding == null ? null : rs.getString("embedding_model"),
                            rs.getObject("occurred_at", OffsetDateTime.class)));
                    count++;
                }
            }
        }
        return count;
    }

    private long shares(Connection connection, Array contextIds, Writer writer) throws SQLException, IOException {
        String query = sql.of("""
                select id, context_id, grantee_type, grantee, access, expires_at, created_by, created_at
                  from {schema}.memory_shares where context_id = any(?) order by context_id, created_at, id""");
        long count = 0;
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setArray(1, contextIds);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    line(writer, new BackupFormat.ShareRecord(BackupFormat.SHARE, rs.getObject("id", UUID.class),
                            rs.getObject("context_id", UUID.class), rs.getString("grantee_type"), rs.getString("grantee"),
                            rs.getString("access"), rs.getObject("expires_at", OffsetDateTime.class),
                            rs.getString("created_by"), rs.getObject("created_at", OffsetDateTime.class)));
                    count++;
                }
            }
        }
        return count;
    }

    // --- upload, download, restore ------------------------------------------------------------

    /** Stores an uploaded backup file after checking it completely; it can then be restored. */
    public BackupView upload(Viewer viewer, InputStream body) {
        UUID id = UUID.randomUUID();
        String fileName = "upload-" + fileName(id);
        Path target = directory().resolve(fileName);
        Path partial = directory().resolve(fileName + ".part");
        try {
            Files.createDirectories(directory());
            MessageDigest sha = sha256();
            try (OutputStream file = new DigestOutputStream(Files.newOutputStream(partial), sha)) {
                if (body != null) {
                    body.transferTo(file);
                }
            }
            String[] model = new String[1];
            BackupFormat.Trailer trailer;
            try (InputStream in = Files.newInputStream(partial)) {
                trailer = new BackupReader(mapper, BackupReader.Limits.of(config)).read(in, new CountingVisitor(model));
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            backups.insertRunning(id, "upload", null, null, fileName, model[0], viewer.subject());
            backups.complete(id, trailer.contexts(), trailer.memories(), trailer.shares(), Files.size(target),
                    HexFormat.of().formatHex(sha.digest()), model[0]);
            return backups.find(id).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the uploaded backup", e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    /** The file of a completed backup the viewer may read (its creator, or memory:admin). */
    public Path file(Viewer viewer, UUID backupId) {
        BackupView backup = visible(viewer, backupId);
        if (!"completed".equals(backup.status())) {
            throw ProblemException.conflict("backup " + backupId + " is " + backup.status() + ", not completed");
        }
        Path file = directory().resolve(backup.fileName());
        if (!Files.isReadable(file)) {
            throw ProblemException.conflict("the file of backup " + backupId + " is missing from the backup directory");
        }
        return file;
    }

    public BackupView get(Viewer viewer, UUID backupId) {
        return visible(viewer, backupId);
    }

    public List<BackupView> list(Viewer viewer, int offset, int limit) {
        return backups.list(viewer.administrator() ? null : viewer.subject(), offset, limit);
    }

    public void delete(Viewer viewer, UUID backupId) {
        BackupView backup = visible(viewer, backupId);
        if ("running".equals(backup.status())) {
            throw ProblemException.conflict("backup " + backupId + " is still running");
        }
        try {
            Files.deleteIfExists(directory().resolve(backup.fileName()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the file of backup " + backupId, e);
        }
        backups.delete(backupId);
    }

    private BackupView visible(Viewer viewer, UUID backupId) {
        return backups.find(backupId)
                .filter(backup -> viewer.administrator() || viewer.subject().equals(backup.createdBy()))
                .orElseThrow(() -> ProblemException.notFound("backup", backupId));
    }

    /** Restores a completed backup; restoring the same file again changes nothing. */
    public RestoreReport restore(Viewer viewer, UUID backupId) {
        Path file = file(viewer, backupId);
        try (InputStream in = Files.newInputStream(file)) {
            return restore(backupId, in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file of backup " + backupId, e);
        }
    }

    RestoreReport restore(UUID backupId, InputStream in) throws IOException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Restore restore = new Restore(connection);
                new BackupReader(mapper, BackupReader.Limits.of(config)).read(in, restore);
                RestoreReport report = restore.finish(backupId);
                connection.commit();
                if (report.memories().restored() >= ANALYZE_AFTER) {
                    // Fresh statistics now, not at autovacuum's leisure: the planner's choice between
                    // the full-text and the context index depends on them.
                    connection.setAutoCommit(true);
                    try (Statement analyze = connection.createStatement()) {
                        analyze.execute(sql.of("analyze {schema}.memories"));
                    }
                }
                if (report.reembedding() > 0) {
                    embeddings.wake();
                }
                return report;
            } catch (RuntimeException | IOException | SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the restore of backup " + backupId + " failed", e);
        }
    }

    /** Writes the records of a backup file into the schema, inside the caller's transaction. */
    private final class Restore implements BackupReader.Visitor {

        private final Connection connection;
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

        Restore(Connection connection) throws SQLException {
            this.connection = connection;
            // A root's parent outside the file is kept when it exists here, else the root becomes a root.
            this.insertContext = connection.prepareStatement(sql.of("""
                    insert into {schema}.memory_contexts (id, agent_id, context_data, parent_context_id, created_at, name,
                                                          owner, metadata, updated_at)
                    values (?, ?, cast(? as jsonb), (select id from {schema}.memory_contexts where id = ?), ?, ?, ?,
                            cast(? as jsonb), ?)
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
        public void header(BackupFormat.Header header) {
        }

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
                insertContext.setString(8, context.metadata() == null ? "{}" : context.metadata().toString());
                insertContext.setObject(9, context.updatedAt() == null ? context.createdAt() : context.updatedAt());
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
                throw ProblemException.invalidField("file", "context " + context.id() + " would be at depth " + depth
                        + " under its parent " + parent + ", deeper than the limit of " + config.contexts().maxDepth());
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
                insertShare.setObject(8, share.createdAt() == null ? now() : share.createdAt());
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
                    throw ProblemException.invalidField("file", "memory " + memory.id() + " has an embedding of "
                            + embeddingBytes[i].length + " bytes; " + embedder.modelId() + " makes "
                            + Embedder.DIMENSIONS * Float.BYTES);
                }
                models[i] = usable ? memory.embeddingModel() : null;
                needsEmbedding[i] = !usable;
                createdBy[i] = memory.createdBy();
                createdAt[i] = memory.createdAt().toString();
                occurredAt[i] = (memory.occurredAt() == null ? memory.createdAt() : memory.occurredAt()).toString();
                updatedAt[i] = memory.updatedAt().toString();
                supersededAt[i] = memory.supersededAt() == null ? null : memory.supersededAt().toString();
                supersededBy[i] = memory.supersededBy();
            }
            String insert = sql.of("""
                    insert into {schema}.memories (id, context_id, content, kind, key, metadata, importance, content_hash,
                                                   source_ref, embedding, embedding_model, needs_embedding, created_by,
                                                   created_at, updated_at, superseded_at, superseded_by, change_version,
                                                   occurred_at)
                    select id, context_id, content, kind, key, cast(metadata as jsonb), importance, content_hash, source_ref,
                           embedding, embedding_model, needs_embedding, created_by, cast(created_at as timestamptz),
                           cast(updated_at as timestamptz), cast(superseded_at as timestamptz), superseded_by, 0,
                           cast(occurred_at as timestamptz)
                      from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::real[], ?::text[],
                                  ?::text[], ?::bytea[], ?::text[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[],
                                  ?::uuid[], ?::text[])
                           as r(id, context_id, content, kind, key, metadata, importance, content_hash, source_ref,
                                embedding, embedding_model, needs_embedding, created_by, created_at, updated_at,
                                superseded_at, superseded_by, occurred_at)
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
                // A version that was superseded by a memory not restored (it exists neither here nor in the file).
                try (PreparedStatement relink = connection.prepareStatement(sql.of("""
                        update {schema}.memories m set superseded_by = null
                         where m.context_id = any(?) and m.superseded_by is not null
                           and not exists (select 1 from {schema}.memories x where x.id = m.superseded_by)"""))) {
                    relink.setArray(1, ids);
                    relink.executeUpdate();
                }
                // Cached vector copies of these contexts must be rebuilt on every replica.
                try (PreparedStatement bump = connection.prepareStatement(sql.of("""
                        update {schema}.memory_contexts set memory_version = memory_version + 1,
                               reload_epoch = reload_epoch + 1 where id = any(?)"""))) {
                    bump.setArray(1, ids);
                    bump.executeUpdate();
                }
            }
            insertContext.close();
            insertShare.close();
            return new RestoreReport(backupId, new RestoreReport.Counts(contextsRestored, contexts - contextsRestored),
                    new RestoreReport.Counts(memoriesRestored, memories - memoriesRestored),
                    new RestoreReport.Counts(sharesRestored, shares - sharesRestored), reembedding);
        }
    }

    private static final class CountingVisitor implements BackupReader.Visitor {
        private final String[] model;

        CountingVisitor(String[] model) {
            this.model = model;
        }

        @Override
        public void header(BackupFormat.Header header) {
            model[0] = header.embeddingModel();
        }

        @Override
        public void context(BackupFormat.ContextRecord context) {
        }

        @Override
        public void memory(BackupFormat.MemoryRecord memory) {
        }

        @Override
        public void share(BackupFormat.ShareRecord share) {
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    private void line(Writer writer, Object record) throws IOException {
        writer.write(mapper.writeValueAsString(record));
        writer.write('\n');
    }

    private JsonNode json(String text) {
        try {
            return text == null ? null : mapper.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.toString();
    }

    Path directory() {
        return Path.of(config.backup().directory()).toAbsolutePath();
    }

    private static String fileName(UUID id) {
        return "memory-backup-" + FILE_TIME.format(now()) + "-" + id.toString().substring(0, 8) + ".jsonl.gz";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
