package ai.prometheus.sandbox.runtime;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A persistent workspace mounted at /workspace instead of a fresh tmpfs (a session's), with the quota
 * its contents must stay within.
 */
public record Workspace(Path directory, long quotaBytes) {

    /** Bytes held by the workspace: regular files' sizes; links are counted, never followed. */
    public static long usage(Path directory) {
        long[] total = {0};
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    total[0] += attributes.isRegularFile() ? attributes.size() : 0;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // vanished while walking: what was counted stands
        }
        return total[0];
    }

    boolean overQuota() {
        return usage(directory) > quotaBytes;
    }
}
