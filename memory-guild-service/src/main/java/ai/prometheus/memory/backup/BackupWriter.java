package ai.prometheus.memory.backup;

import ai.prometheus.memory.config.Sql;
import ai.prometheus.memory.embedding.Embedder;
import ai.prometheus.shared.platform.error.ErrorReporter;
import ai.prometheus.shared.problem.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.jboss.logging.Logger;

/**
 * Writes a backup: the context tree under a root (every context when none) with its memories,
 * their embeddings and model id, and its shares, as one gzip JSON-lines file read from one
 * consistent snapshot (repeatable read). A failed backup is marked failed, its partial file
 * removed and the failure reported.
 */
@ApplicationScoped
public class BackupWriter {

    private static final Logger LOG = Logger.getLogger(BackupWriter.class);
    private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(10);

    private final BackupRepository backups;
    private final BackupFiles files;
    private final AgroalDataSource dataSource;
    private final Sql sql;
    private final ObjectMapper mapper;
    private final Embedder embedder;
    private final ErrorReporter errors;

    public BackupWriter(
            BackupRepository backups,
            BackupFiles files,
            AgroalDataSource dataSource,
            Sql sql,
            ObjectMapper mapper,
            Embedder embedder,
            ErrorReporter errors) {
        this.backups = backups;
        this.files = files;
        this.dataSource = dataSource;
        this.sql = sql;
        this.mapper = mapper;
        this.embedder = embedder;
        this.errors = errors;
    }

    /** Writes the file of the running backup {@code id} and completes (or fails) its row. */
    void write(UUID id, UUID rootContextId, String fileName) {
        Path target = files.directory().resolve(fileName);
        Path partial = files.directory().resolve(fileName + ".part");
        try {
            Files.createDirectories(files.directory());
            MessageDigest sha = BackupFiles.sha256();
            Exported exported;
            try (OutputStream file =
                    new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16), sha)) {
                exported = export(rootContextId, file);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            backups.complete(
                    id,
                    exported.contexts(),
                    exported.memories(),
                    exported.shares(),
                    Files.size(target),
                    HexFormat.of().formatHex(sha.digest()),
                    embedder.modelId());
            LOG.infof(
                    "Backup %s written: %d contexts, %d memories, %d shares",
                    id, exported.contexts(), exported.memories(), exported.shares());
        } catch (Exception e) {
            LOG.errorf(e, "Backup %s failed", id);
            backups.fail(id, e instanceof ProblemException ? e.getMessage() : "the backup could not be written");
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the failure above is what matters
            }
            report(id, e);
        }
    }

    /** Reports the failure to the guardian without holding the backup thread while the outbox is written. */
    private void report(UUID id, Exception failure) {
        errors.report(failure, Map.of("backup", id.toString()))
                .ifNoItem()
                .after(REPORT_TIMEOUT)
                .fail()
                .subscribe()
                .with(
                        reported -> {},
                        unreported -> LOG.errorf(unreported, "The failure of backup %s could not be reported", id));
    }

    record Exported(long contexts, long memories, long shares) {}

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
                        .filter(context -> context.parentContextId() == null
                                || context.id().equals(rootContextId))
                        .map(BackupFormat.ContextRecord::id)
                        .toList();
                line(
                        writer,
                        new BackupFormat.Header(
                                BackupFormat.FORMAT,
                                BackupFormat.VERSION,
                                BackupFiles.now(),
                                embedder.modelId(),
                                Embedder.DIMENSIONS,
                                roots,
                                "memory-guild-service"));
                for (BackupFormat.ContextRecord context : contexts) {
                    line(writer, context);
                }
                Array ids = connection.createArrayOf(
                        "uuid",
                        contexts.stream().map(BackupFormat.ContextRecord::id).toArray());
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
                       c.metadata::text as metadata, c.created_at, c.updated_at, c.contextual_embedding
                  from tree t join {schema}.memory_contexts c on c.id = t.id
                 order by t.depth, c.created_at, c.id""");
        List<BackupFormat.ContextRecord> contexts = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setObject(1, root);
            statement.setObject(2, root);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    contexts.add(new BackupFormat.ContextRecord(
                            BackupFormat.CONTEXT,
                            rs.getObject("id", UUID.class),
                            rs.getObject("parent_context_id", UUID.class),
                            rs.getObject("agent_id", UUID.class),
                            rs.getString("name"),
                            rs.getString("owner"),
                            json(rs.getString("context_data")),
                            json(rs.getString("metadata")),
                            rs.getObject("created_at", OffsetDateTime.class),
                            rs.getObject("updated_at", OffsetDateTime.class),
                            rs.getObject("contextual_embedding", Boolean.class)));
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
                       occurred_at, contextual_embedding
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
                    line(
                            writer,
                            new BackupFormat.MemoryRecord(
                                    BackupFormat.MEMORY,
                                    rs.getObject("id", UUID.class),
                                    rs.getObject("context_id", UUID.class),
                                    rs.getString("content"),
                                    rs.getString("kind"),
                                    rs.getString("key"),
                                    json(rs.getString("metadata")),
                                    rs.getFloat("importance"),
                                    rs.getString("content_hash"),
                                    rs.getString("source_ref"),
                                    rs.getString("created_by"),
                                    rs.getObject("created_at", OffsetDateTime.class),
                                    rs.getObject("updated_at", OffsetDateTime.class),
                                    rs.getObject("superseded_at", OffsetDateTime.class),
                                    rs.getObject("superseded_by", UUID.class),
                                    embedding == null ? null : base64.encodeToString(embedding),
                                    embedding == null ? null : rs.getString("embedding_model"),
                                    rs.getObject("occurred_at", OffsetDateTime.class),
                                    rs.getObject("contextual_embedding", Boolean.class)));
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
                    line(
                            writer,
                            new BackupFormat.ShareRecord(
                                    BackupFormat.SHARE,
                                    rs.getObject("id", UUID.class),
                                    rs.getObject("context_id", UUID.class),
                                    rs.getString("grantee_type"),
                                    rs.getString("grantee"),
                                    rs.getString("access"),
                                    rs.getObject("expires_at", OffsetDateTime.class),
                                    rs.getString("created_by"),
                                    rs.getObject("created_at", OffsetDateTime.class)));
                    count++;
                }
            }
        }
        return count;
    }

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
}
