package ai.prometheus.memory.backup;

import ai.prometheus.memory.config.MemoryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/** Where backup files live (memory.backup.directory) and how a new one is named. */
@ApplicationScoped
public class BackupFiles {

    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final MemoryConfig config;

    public BackupFiles(MemoryConfig config) {
        this.config = config;
    }

    Path directory() {
        return Path.of(config.backup().directory()).toAbsolutePath();
    }

    static String fileName(UUID id) {
        return "memory-backup-" + FILE_TIME.format(now()) + "-" + id.toString().substring(0, 8) + ".jsonl.gz";
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
