package ai.prometheus.sandbox.host;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which state directories the service accepts: its own, written by nobody else, and, when it runs
 * as root, searchable by the sandboxes' uids (they mount their init and session workspaces from it). Runs as root, like
 * the service; {@link UnsafeStateDirectoryTest} shows the service staying not ready.
 */
class StateDirectoryCheckTest {

    @TempDir
    Path parent;

    @Test
    void acceptsAnOwnDirectoryOthersCanSearchButNotWrite() throws Exception {
        assertNull(StateDirectory.unsafe(directory("rwxr-xr-x"), 0));
        assertNull(StateDirectory.unsafe(directory("rwx--x--x"), 0));
    }

    @Test
    void refusesADirectoryOthersCannotSearchWhenRunByRoot() throws Exception {
        String reason = StateDirectory.unsafe(directory("rwx------"), 0);
        assertTrue(reason != null && reason.contains("cannot be searched by others (mode 700)"), reason);
    }

    @Test
    void aServiceWithoutRootMayKeepItsDirectoryPrivate() throws Exception {
        // Its sandboxes run as its own uid.
        Path own = directory("rwx------");
        Files.setAttribute(own, "unix:uid", 4242);
        assertNull(StateDirectory.unsafe(own, 4242));
    }

    @Test
    void refusesADirectoryOthersCanWriteOrThatIsSomeoneElsesOrALink() throws Exception {
        String writable = StateDirectory.unsafe(directory("rwxrwxr-x"), 0);
        assertTrue(writable != null && writable.contains("writable by others (mode 775)"), writable);
        String foreign = StateDirectory.unsafe(directory("rwxr-xr-x"), 4242);
        assertTrue(foreign != null && foreign.contains("belongs to uid 0, not to the service's uid 4242"), foreign);
        Path link = Files.createSymbolicLink(parent.resolve("link"), directory("rwxr-xr-x"));
        String linked = StateDirectory.unsafe(link, 0);
        assertTrue(linked != null && linked.contains("symbolic link"), linked);
    }

    private Path directory(String mode) throws Exception {
        Path directory = Files.createTempDirectory(parent, "state-");
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(mode));
        return directory;
    }
}
