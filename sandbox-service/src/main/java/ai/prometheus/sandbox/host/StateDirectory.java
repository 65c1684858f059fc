package ai.prometheus.sandbox.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/** The directory the service keeps its sandbox files in: created when missing, and checked before it is trusted. */
public final class StateDirectory {

    private StateDirectory() {}

    /** Creates {@code state} when it does not exist yet, searchable by the sandboxes' uids whatever the umask. */
    static void createIfMissing(Path state) throws IOException {
        if (Files.notExists(state, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(state);
            // Never through a link someone put there meanwhile: the check below refuses a link anyway.
            Files.getFileAttributeView(state, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /**
     * Why the state directory cannot be trusted or used, or null. Root executes {@code sandbox-launch}
     * from it and hands every sandbox the seccomp filter written there: anyone else able to replace
     * its entries could run code as root or weaken the filter. Run by root, sandboxes run under uids
     * of their own and mount their init and session workspaces from it: others must be able to
     * search it.
     */
    public static String unsafe(Path state, int serviceUid) throws IOException {
        if (Files.isSymbolicLink(state)) {
            // Whoever owns the link can point it elsewhere at any time.
            return "the sandbox state directory " + state + " is a symbolic link; set SANDBOX_STATE_DIR to the"
                    + " directory itself";
        }
        int owner = (Integer) Files.getAttribute(state, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != serviceUid) {
            return "the sandbox state directory " + state + " belongs to uid " + owner + ", not to the service's uid "
                    + serviceUid + "; set SANDBOX_STATE_DIR to a directory of its own";
        }
        int mode = (Integer) Files.getAttribute(state, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0022) != 0) {
            return "the sandbox state directory " + state + " is writable by others (mode "
                    + Integer.toOctalString(mode & 0777) + "); make it writable by its owner only, or set"
                    + " SANDBOX_STATE_DIR to a directory of its own";
        }
        if (serviceUid == 0 && (mode & 0001) == 0) {
            return "the sandbox state directory " + state + " cannot be searched by others (mode "
                    + Integer.toOctalString(mode & 0777) + "); sandboxes run as their own uids and mount their init"
                    + " and session workspaces from it: make it at least 0711";
        }
        return null;
    }
}
