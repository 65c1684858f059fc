package ai.prometheus.sandbox.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files the service writes into its state directory for sandboxes to execute or mount. */
public final class StateFiles {

    private StateFiles() {}

    /**
     * Writes {@code content} beside {@code target} and renames it over: a sandbox starting meanwhile
     * execs or mounts the old file or the new one, never one half rewritten.
     */
    public static Path replace(Path target, InputStream content, String permissions) throws IOException {
        Path partial =
                Files.createTempFile(target.getParent(), target.getFileName().toString(), ".partial");
        try {
            Files.copy(content, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString(permissions));
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return target;
    }
}
