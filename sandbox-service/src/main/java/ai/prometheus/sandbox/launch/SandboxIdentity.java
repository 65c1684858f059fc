package ai.prometheus.sandbox.launch;

import ai.prometheus.sandbox.host.StateFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The user database a sandbox sees: its own user ({@code sandbox}, home {@code /workspace}) and
 * {@code nobody}, as which the host's files appear inside the user namespace. Without it {@code
 * whoami}, {@code id -un} and Python's {@code pwd} find no name for the sandbox's uid. Written once
 * at start and mounted read-only as {@code /etc/passwd} and {@code /etc/group}.
 */
final class SandboxIdentity {

    static final String USER = "sandbox";
    private static final int NOBODY = 65534;

    private SandboxIdentity() {}

    /** Writes {@code passwd} and {@code group} for {@code innerUid} into {@code directory}; returns them. */
    static List<Path> write(Path directory, int innerUid) throws IOException {
        Files.createDirectories(directory);
        // bubblewrap mounts these as the sandbox's uid, whatever the service's umask.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path passwd = replace(
                directory.resolve("passwd"),
                USER + ":x:" + innerUid + ":" + innerUid + ":" + USER + ":"
                        + BubblewrapCommand.INNER_HOME + ":/bin/sh\n"
                        + "nobody:x:" + NOBODY + ":" + NOBODY + ":nobody:/nonexistent:/usr/sbin/nologin\n");
        Path group =
                replace(directory.resolve("group"), USER + ":x:" + innerUid + ":\n" + "nogroup:x:" + NOBODY + ":\n");
        return List.of(passwd, group);
    }

    private static Path replace(Path target, String content) throws IOException {
        return StateFiles.replace(
                target, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "rw-r--r--");
    }
}
