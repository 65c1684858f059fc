package ai.prometheus.sandbox.session;

import ai.prometheus.sandbox.config.SandboxConfig;
import ai.prometheus.sandbox.host.FileTrees;
import ai.prometheus.sandbox.host.TmpfsMounts;
import ai.prometheus.sandbox.runtime.RunLimits;
import ai.prometheus.sandbox.runtime.SandboxRuntime;
import ai.prometheus.sandbox.runtime.Workspace;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The files of session workspaces on this replica's disk. Sandboxed code writes these directories,
 * so nothing here ever follows a symbolic link: a path is walked one component at a time and
 * refused if any component is a link, files are opened with {@code NOFOLLOW_LINKS}, and writes go
 * to a new file renamed into place. Blocking: callers run it off the event loop.
 *
 * <p>Where the host lets the service mount, each workspace is a tmpfs of the session's quota and
 * {@code max-files} inodes, so the kernel holds every writer to it. Sessions thereby survive a
 * restart of the service (mounts belong to the mount namespace, not to the process), but not a
 * restart of the host or container: a workspace that is no longer mounted is reported gone. Every
 * workspace's quota is reserved in a file beside it, and their sum on this host is capped.
 *
 * <p>Longer than most classes here because every path operation on files that sandboxed code
 * writes must go through the same link-refusing walk; kept in one class so no caller can reach a
 * workspace file another way.
 */
@ApplicationScoped
public class SessionStorage {

    static final int MAX_PATH = 1024;
    static final int MAX_SEGMENT = 255;
    static final int MAX_DEPTH = 16;

    private static final String RESERVATION = ".quota";
    private static final Object ADMISSION = new Object();

    private final Path root;
    private final SandboxRuntime runtime;
    private final SessionConfig sessions;

    /**
     * Workspaces live under a directory named after the database that holds their sessions, so
     * deployments that share a host and a state directory (a dev instance beside a test instance)
     * never take each other's workspaces for orphans.
     */
    public SessionStorage(
            SandboxConfig config,
            ServiceConfig service,
            SandboxRuntime runtime,
            SessionConfig sessions,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String database) {
        this.runtime = runtime;
        this.sessions = sessions;
        String owner = database + "|" + service.schema();
        this.root = Path.of(config.stateDir(), "sessions", sha256(owner).substring(0, 16));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path workspace(UUID session) {
        return root.resolve(session.toString());
    }

    /** Whether the kernel holds session workspaces to their quotas here. */
    boolean kernelQuota() {
        return runtime.workspaceQuota().sessions();
    }

    /** Inodes of a workspace's tmpfs: its files and directories, its root, and one upload being renamed into place. */
    private long inodes() {
        return sessions.maxFiles() + 2L;
    }

    /** The workspace of {@code session} as the runtime mounts it. */
    public Workspace runWorkspace(UUID session, long quotaBytes) {
        return new Workspace(workspace(session), quotaBytes, sessions.maxFiles(), kernelQuota());
    }

    /**
     * Creates the workspace within the host-wide cap: refused with 429 when the quotas already admitted
     * on this host plus this one would pass {@code sandbox.sessions.total-quota-mb}. Replicas sharing
     * the state directory take turns through a file lock.
     */
    public void create(UUID session, long quotaBytes) {
        synchronized (ADMISSION) {
            try {
                if (!Files.exists(root)) {
                    Files.createDirectories(root);
                    // Sandboxes (their own uids) must reach their workspace through here, but not list it.
                    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
                    Files.setPosixFilePermissions(root.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
                }
                try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(
                                root.getParent().resolve(".admission.lock"),
                                java.nio.file.StandardOpenOption.CREATE,
                                java.nio.file.StandardOpenOption.WRITE);
                        java.nio.channels.FileLock held = lock.lock()) {
                    admit(quotaBytes);
                    Path directory = workspace(session);
                    Files.writeString(reservation(session), Long.toString(quotaBytes));
                    Files.createDirectory(
                            directory,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    if (kernelQuota()) {
                        TmpfsMounts.mount(directory, quotaBytes, inodes(), 0700);
                    }
                }
            } catch (IOException e) {
                delete(session);
                throw new UncheckedIOException("cannot create the workspace of session " + session, e);
            }
        }
    }

    private void admit(long quotaBytes) throws IOException {
        long cap = sessions.totalQuotaMb() * RunLimits.MIB;
        long admitted = admittedBytes();
        if (admitted + quotaBytes > cap) {
            // 429 like every other capacity refusal of the platform (runs beyond the queue, invocations
            // beyond admission): nothing is wrong with the service, and it will have room again.
            throw new ProblemException(
                    ProblemType.TOO_MANY_REQUESTS,
                    "session-capacity",
                    "session workspaces on this host"
                            + " already hold quotas of " + admitted / RunLimits.MIB + " MiB; another "
                            + quotaBytes / RunLimits.MIB
                            + " MiB would pass the host's limit sandbox.sessions.total-quota-mb="
                            + sessions.totalQuotaMb()
                            + "; try again when sessions were deleted or expired, or ask for a smaller quotaMb",
                    List.of(),
                    java.util.Map.of("Retry-After", "60"));
        }
    }

    /** The quotas reserved by every workspace under the state directory's sessions, whichever deployment made them. */
    long admittedBytes() throws IOException {
        long total = 0;
        try (DirectoryStream<Path> owners = Files.newDirectoryStream(root.getParent(), Files::isDirectory)) {
            for (Path owner : owners) {
                try (DirectoryStream<Path> reserved = Files.newDirectoryStream(owner, "*" + RESERVATION)) {
                    for (Path file : reserved) {
                        try {
                            total += Long.parseLong(Files.readString(file).strip());
                        } catch (NumberFormatException | IOException e) {
                            // a reservation being written or removed right now
                        }
                    }
                }
            }
        }
        return total;
    }

    private Path reservation(UUID session) {
        return root.resolve(session + RESERVATION);
    }

    /** A workspace here that is held to its quota: with kernel quotas, still mounted (a host restart loses it). */
    public boolean exists(UUID session) {
        Path directory = workspace(session);
        return Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)
                && (!kernelQuota() || TmpfsMounts.isMountPoint(directory));
    }

    /** Unmounts, deletes and releases the reservation of a workspace; nothing happens for one already gone. */
    public void delete(UUID session) {
        Path directory = workspace(session);
        try {
            if (TmpfsMounts.isMountPoint(directory)) {
                TmpfsMounts.unmount(directory);
            }
            Files.deleteIfExists(reservation(session));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unmount the workspace of session " + session, e);
        }
        try {
            FileTrees.delete(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the workspace of session " + session, e);
        }
    }

    /**
     * Whether the workspace (and its reservation) has not changed for {@code grace}. A workspace is
     * made before its session's row commits, so one younger than that may belong to a session
     * being created right now and is not an orphan yet.
     */
    public boolean unchangedFor(UUID session, java.time.Duration grace) {
        java.time.Instant settled = java.time.Instant.now().minus(grace);
        for (Path path : List.of(workspace(session), reservation(session))) {
            try {
                if (Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS)
                        .toInstant()
                        .isAfter(settled)) {
                    return false;
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                // only the other one is there
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Session ids that have a workspace here. */
    public List<UUID> workspaces() {
        List<UUID> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return ids;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                try {
                    String name = entry.getFileName().toString();
                    UUID id = UUID.fromString(
                            name.endsWith(RESERVATION)
                                    ? name.substring(0, name.length() - RESERVATION.length())
                                    : name);
                    if (!ids.contains(id)) {
                        ids.add(id);
                    }
                } catch (IllegalArgumentException e) {
                    // not a workspace
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    public List<SessionFile> list(UUID session) {
        Path directory = workspace(session);
        List<SessionFile> files = new ArrayList<>();
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    if (!dir.equals(directory)) {
                        files.add(entry(directory, dir, "directory", 0, attributes));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    String type =
                            attributes.isSymbolicLink() ? "symlink" : attributes.isRegularFile() ? "file" : "other";
                    files.add(entry(
                            directory, file, type, attributes.isRegularFile() ? attributes.size() : 0, attributes));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Bytes in regular files and the number of entries. */
    public Usage usage(UUID session) {
        List<SessionFile> files = list(session);
        return new Usage(files.stream().mapToLong(SessionFile::sizeBytes).sum(), files.size());
    }

    public record Usage(long bytes, int entries) {}

    public byte[] read(UUID session, String path) {
        Path file = resolve(session, path, false);
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                throw ProblemException.invalidField("path", "is not a regular file");
            }
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                return in.readAllBytes();
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw ProblemException.notFound("file", path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code content} at {@code path}, creating directories, within the quota and file count. */
    public SessionFile write(UUID session, String path, byte[] content, long quotaBytes, int maxFiles) {
        Path file = resolve(session, path, true);
        Usage usage = usage(session);
        long replaced = 0;
        boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        try {
            if (exists) {
                BasicFileAttributes attributes =
                        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isDirectory()) {
                    throw ProblemException.invalidField("path", "is a directory");
                }
                replaced = attributes.isRegularFile() ? attributes.size() : 0;
            }
            long after = usage.bytes() - replaced + content.length;
            if (after > quotaBytes) {
                throw new ProblemException(
                        ProblemType.PAYLOAD_TOO_LARGE,
                        "the workspace would hold " + after + " bytes, above its quota of " + quotaBytes);
            }
            int newEntries = exists ? 0 : 1 + missingDirectories(session, file);
            if (usage.entries() + newEntries > maxFiles) {
                throw new ProblemException(
                        ProblemType.PAYLOAD_TOO_LARGE,
                        "the workspace may hold at most " + maxFiles + " files and directories");
            }
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), ".upload-", ".tmp");
            try {
                Files.write(temporary, content);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                // A write the full workspace refused must not leave half a file taking its room.
                Files.deleteIfExists(temporary);
            }
            BasicFileAttributes written =
                    Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return entry(workspace(session), file, "file", written.size(), written);
        } catch (java.nio.file.FileSystemException e) {
            if (e.getReason() != null && e.getReason().contains("No space left")) {
                // The tmpfs counts whole pages and inodes: it may be full before the byte count says so.
                throw new ProblemException(
                        ProblemType.PAYLOAD_TOO_LARGE,
                        "the workspace has no room left for " + content.length + " bytes within its quota of "
                                + quotaBytes + " bytes and " + maxFiles + " files");
            }
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a file, a link (never its target) or an empty directory. */
    public void delete(UUID session, String path) {
        Path file = resolve(session, path, false);
        try {
            if (!Files.deleteIfExists(file)) {
                throw ProblemException.notFound("file", path);
            }
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            throw ProblemException.conflict("directory '" + path + "' is not empty");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The host path of {@code relative} inside the workspace, refusing names that leave it and any
     * existing component (the last one too, unless it will be replaced) that is a symbolic link.
     */
    Path resolve(UUID session, String relative, boolean lastMayBeLink) {
        List<String> segments = segments(relative);
        Path current = workspace(session);
        for (int i = 0; i < segments.size(); i++) {
            current = current.resolve(segments.get(i));
            boolean last = i == segments.size() - 1;
            if (Files.isSymbolicLink(current) && !(last && lastMayBeLink)) {
                throw ProblemException.invalidField(
                        "path",
                        "'" + String.join("/", segments.subList(0, i + 1))
                                + "' is a symbolic link; links in a workspace are never followed");
            }
            if (!last
                    && Files.exists(current, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                throw ProblemException.invalidField(
                        "path", "'" + String.join("/", segments.subList(0, i + 1)) + "' is not a directory");
            }
        }
        return current;
    }

    static List<String> segments(String relative) {
        if (relative == null || relative.isBlank()) {
            throw ProblemException.invalidField("path", "is required");
        }
        if (relative.length() > MAX_PATH) {
            throw ProblemException.invalidField("path", "must be at most " + MAX_PATH + " characters");
        }
        if (relative.startsWith("/") || relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) {
            throw ProblemException.invalidField("path", "must be relative to the workspace, with / between names");
        }
        List<String> segments = List.of(relative.split("/"));
        if (segments.size() > MAX_DEPTH) {
            throw ProblemException.invalidField("path", "must be at most " + MAX_DEPTH + " levels deep");
        }
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.length() > MAX_SEGMENT) {
                throw ProblemException.invalidField("path", "has an empty, '.', '..' or overlong name");
            }
        }
        return segments;
    }

    private int missingDirectories(UUID session, Path file) {
        int missing = 0;
        for (Path parent = file.getParent();
                !parent.equals(workspace(session)) && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS);
                parent = parent.getParent()) {
            missing++;
        }
        return missing;
    }

    private static SessionFile entry(
            Path directory, Path path, String type, long size, BasicFileAttributes attributes) {
        String relative = directory.relativize(path).toString();
        return new SessionFile(
                relative, type, size, attributes.lastModifiedTime().toInstant().atOffset(ZoneOffset.UTC));
    }
}
