package ai.prometheus.memory.backup;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.embedding.Embedder;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Takes the scheduled backup of every context (memory.backup.schedule; one replica per slot) and
 * keeps only the newest memory.backup.retention scheduled backups.
 */
@ApplicationScoped
public class BackupSchedule {

    private static final Logger LOG = Logger.getLogger(BackupSchedule.class);

    private final BackupRepository backups;
    private final BackupFiles files;
    private final BackupWriter writer;
    private final Embedder embedder;
    private final MemoryConfig config;

    public BackupSchedule(
            BackupRepository backups, BackupFiles files, BackupWriter writer, Embedder embedder, MemoryConfig config) {
        this.backups = backups;
        this.files = files;
        this.writer = writer;
        this.embedder = embedder;
        this.config = config;
    }

    @Scheduled(
            cron = "{memory.backup.schedule}",
            identity = "memory-scheduled-backup",
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
        String fileName = BackupFiles.fileName(id);
        if (!backups.insertRunning(id, "scheduled", slot, null, fileName, embedder.modelId(), null)) {
            return Optional.empty();
        }
        writer.write(id, null, fileName);
        prune();
        return backups.find(id);
    }

    private void prune() {
        for (BackupView old : backups.scheduledBeyond(config.backup().retention())) {
            try {
                Files.deleteIfExists(files.directory().resolve(old.fileName()));
                backups.delete(old.id());
                LOG.infof(
                        "Deleted scheduled backup %s beyond the retention of %d",
                        old.id(), config.backup().retention());
            } catch (IOException e) {
                LOG.warnf(e, "Could not delete the file of backup %s", old.id());
            }
        }
    }
}
