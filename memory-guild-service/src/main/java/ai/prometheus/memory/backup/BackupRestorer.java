package ai.prometheus.memory.backup;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.config.Sql;
import ai.prometheus.memory.context.Viewer;
import ai.prometheus.memory.embedding.Embedder;
import ai.prometheus.memory.embedding.EmbeddingWorker;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Restores backups: checks and stores an uploaded file, and writes a completed backup's records
 * into the schema in one transaction ({@link RestoreInserts}), so a bad or truncated file leaves
 * nothing and restoring the same file again changes nothing.
 */
@ApplicationScoped
public class BackupRestorer {

    private static final int ANALYZE_AFTER = 10_000;

    private final Archivist archivist;
    private final BackupRepository backups;
    private final BackupFiles files;
    private final AgroalDataSource dataSource;
    private final Sql sql;
    private final ObjectMapper mapper;
    private final MemoryConfig config;
    private final Embedder embedder;
    private final EmbeddingWorker embeddings;

    public BackupRestorer(
            Archivist archivist,
            BackupRepository backups,
            BackupFiles files,
            AgroalDataSource dataSource,
            Sql sql,
            ObjectMapper mapper,
            MemoryConfig config,
            Embedder embedder,
            EmbeddingWorker embeddings) {
        this.archivist = archivist;
        this.backups = backups;
        this.files = files;
        this.dataSource = dataSource;
        this.sql = sql;
        this.mapper = mapper;
        this.config = config;
        this.embedder = embedder;
        this.embeddings = embeddings;
    }

    /** Stores an uploaded backup file after checking it completely; it can then be restored. */
    public BackupView upload(Viewer viewer, InputStream body) {
        UUID id = UUID.randomUUID();
        String fileName = "upload-" + BackupFiles.fileName(id);
        Path target = files.directory().resolve(fileName);
        Path partial = files.directory().resolve(fileName + ".part");
        try {
            Files.createDirectories(files.directory());
            MessageDigest sha = BackupFiles.sha256();
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
            backups.complete(
                    id,
                    trailer.contexts(),
                    trailer.memories(),
                    trailer.shares(),
                    Files.size(target),
                    HexFormat.of().formatHex(sha.digest()),
                    model[0]);
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

    /** Restores a completed backup; restoring the same file again changes nothing. */
    public RestoreReport restore(Viewer viewer, UUID backupId) {
        Path file = archivist.file(viewer, backupId);
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
                RestoreInserts restore = new RestoreInserts(connection, sql, config, embedder);
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
        public void context(BackupFormat.ContextRecord context) {}

        @Override
        public void memory(BackupFormat.MemoryRecord memory) {}

        @Override
        public void share(BackupFormat.ShareRecord share) {}
    }
}
