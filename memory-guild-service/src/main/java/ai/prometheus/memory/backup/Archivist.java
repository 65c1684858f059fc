package ai.prometheus.memory.backup;

import ai.prometheus.memory.context.Access;
import ai.prometheus.memory.context.Coordinator;
import ai.prometheus.memory.context.Viewer;
import ai.prometheus.memory.embedding.Embedder;
import ai.prometheus.shared.problem.ProblemException;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Archivist of the Memory Guild: keeps the backups of context trees and their rules. Who may
 * back up a tree (manage access; every context needs memory:admin), and who may see, download or
 * delete a backup (its creator, or memory:admin). The work is its helpers': {@link BackupWriter}
 * writes a file, {@link BackupRestorer} restores one, {@link BackupSchedule} takes the scheduled
 * backups and applies the retention.
 */
@ApplicationScoped
public class Archivist {

    private static final Duration ACCESS_TIMEOUT = Duration.ofSeconds(30);

    private final BackupRepository backups;
    private final BackupFiles files;
    private final BackupWriter writer;
    private final Embedder embedder;
    private final Coordinator coordinator;
    private final ExecutorService jobs = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "archivist");
        thread.setDaemon(true);
        return thread;
    });

    public Archivist(
            BackupRepository backups,
            BackupFiles files,
            BackupWriter writer,
            Embedder embedder,
            Coordinator coordinator) {
        this.backups = backups;
        this.files = files;
        this.writer = writer;
        this.embedder = embedder;
        this.coordinator = coordinator;
    }

    void stop(@Observes ShutdownEvent event) {
        jobs.shutdownNow();
    }

    // --- backups ----------------------------------------------------------------------------

    /**
     * Starts a backup of the tree under {@code rootContextId} (manage access needed), or of every
     * context (memory:admin). Answers at once; the file is written in the background.
     */
    public Uni<BackupView> start(Viewer viewer, UUID rootContextId) {
        return mayBackUp(viewer, rootContextId)
                // The catalogue is JDBC (backups stream through it): a worker thread, not the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(ignored -> begin(viewer, rootContextId));
    }

    private Uni<Void> mayBackUp(Viewer viewer, UUID rootContextId) {
        if (rootContextId != null) {
            return coordinator
                    .require(viewer, rootContextId, Access.MANAGE)
                    .ifNoItem()
                    .after(ACCESS_TIMEOUT)
                    .fail()
                    .replaceWithVoid();
        }
        if (!viewer.administrator()) {
            return Uni.createFrom()
                    .failure(ProblemException.forbidden("a backup of every context needs the permission memory:admin;"
                            + " name a contextId to back up a tree you own"));
        }
        return Uni.createFrom().voidItem();
    }

    private BackupView begin(Viewer viewer, UUID rootContextId) {
        UUID id = UUID.randomUUID();
        String fileName = BackupFiles.fileName(id);
        backups.insertRunning(id, "manual", null, rootContextId, fileName, embedder.modelId(), viewer.subject());
        // Read before the job starts: the answer says running, as documented, even for a tiny tree
        // whose file is written before this thread would read it again.
        BackupView running = backups.find(id).orElseThrow();
        jobs.submit(() -> writer.write(id, rootContextId, fileName));
        return running;
    }

    /** The file of a completed backup the viewer may read (its creator, or memory:admin). */
    public Path file(Viewer viewer, UUID backupId) {
        BackupView backup = visible(viewer, backupId);
        if (!"completed".equals(backup.status())) {
            throw ProblemException.conflict("backup " + backupId + " is " + backup.status() + ", not completed");
        }
        Path file = files.directory().resolve(backup.fileName());
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
            Files.deleteIfExists(files.directory().resolve(backup.fileName()));
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
}
