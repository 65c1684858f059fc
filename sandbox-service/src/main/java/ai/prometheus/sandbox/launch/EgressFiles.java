package ai.prometheus.sandbox.launch;

import ai.prometheus.sandbox.host.FileTrees;
import ai.prometheus.sandbox.host.StateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The files in the state directory that runs with a network policy mount: the node preload and the sockets' directory. */
public final class EgressFiles {

    static final String NODE_PRELOAD_RESOURCE = "sandbox/egress/node-proxy.js";

    private EgressFiles() {}

    /** Writes the node preload (readable by every sandbox uid, changeable by the service only). */
    public static Path writeNodePreload(Path target) throws IOException {
        try (InputStream in = EgressFiles.class.getClassLoader().getResourceAsStream(NODE_PRELOAD_RESOURCE)) {
            if (in == null) {
                throw new IOException("the build lacks " + NODE_PRELOAD_RESOURCE);
            }
            return StateFiles.replace(target, in, "rw-r--r--");
        }
    }

    /** The directory the per-run socket directories live in: searchable, not listable, by the sandboxes. */
    public static Path socketParent(Path directory) throws IOException {
        if (Files.isSymbolicLink(directory)) {
            Files.delete(directory);
        }
        if (Files.notExists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(directory);
        }
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        // Sockets a crashed predecessor left behind belong to runs that no longer exist.
        try (var leftovers = Files.list(directory)) {
            leftovers.forEach(FileTrees::deleteQuietly);
        }
        return directory;
    }
}
