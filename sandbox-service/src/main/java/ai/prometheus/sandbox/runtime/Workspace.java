package ai.prometheus.sandbox.runtime;

import ai.prometheus.sandbox.host.FileTrees;
import ai.prometheus.sandbox.host.TmpfsMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A persistent workspace mounted at /workspace instead of a fresh tmpfs (a session's), with the quota
 * its contents must stay within: {@code quotaBytes} and {@code maxEntries} files and directories.
 * {@code kernelEnforced}: the directory is a tmpfs of exactly that size and inode count, so the kernel
 * refuses every write past them; otherwise a periodic scan during the run is all there is.
 */
public record Workspace(Path directory, long quotaBytes, long maxEntries, boolean kernelEnforced) {

    /** Bytes held by the workspace: regular files' sizes; links are counted, never followed. */
    public static long usage(Path directory) {
        return FileTrees.bytes(directory);
    }

    /** Whether a scan finds the quota passed: what the run watches for where the kernel does not hold it. */
    boolean overQuota() {
        return !kernelEnforced && usage(directory) > quotaBytes;
    }

    /**
     * Whether the workspace is at its quota: for a tmpfs, no free block or no free inode is left
     * (usage is counted in pages, so it may be full with fewer bytes in files than the quota); for
     * a scanned directory, past it.
     */
    public boolean full() {
        if (!kernelEnforced) {
            return usage(directory) > quotaBytes;
        }
        try {
            return Files.getFileStore(directory).getUsableSpace() == 0 || TmpfsMounts.entries(directory) >= maxEntries;
        } catch (IOException e) {
            return false;
        }
    }
}
