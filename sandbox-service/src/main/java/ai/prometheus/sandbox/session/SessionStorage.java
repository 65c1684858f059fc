package ai.prometheus.sandbox.session;

import ai.prometheus.sandbox.runtime.SandboxConfig;
import ai.prometheus.shared.config.ServiceConfig;
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
 */
@ApplicationScoped
public class SessionStorage {

    static final int MAX_PATH = 1024;
    static final int MAX_SEGMENT = 255;
    static final int MAX_DEPTH = 16;

    private final Path root;

    /**
     * Workspaces live under a directory named after the database that holds their sessions, so
     * deployments that share a host and a state directory (a dev instance beside a test instance)
     * never take each other's workspaces for orphans.
     */
    public SessionStorage(SandboxConfig config, ServiceConfig service,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String database) {
        String owner = database + "|" + service.schema();
        this.root = Path.of(config.stateDir(), "sessions", sha256(owner).substring(0, 16));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path workspace(UUID session) {
        return root.resolve(session.toString());
    }

    public void create(UUID session) {
        try {
            if (!Files.exists(root)) {
                Files.createDirectories(root);
                // Sandboxes (their own uids) must reach their workspace through here, but not list it.
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
                Files.setPosixFilePermissions(root.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
            }
            Files.createDirectory(workspace(session), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the workspace of session " + session, e);
        }
    }

    public boolean exists(UUID session) {
        return Files.isDirectory(workspace(session), LinkOption.NOFOLLOW_LINKS);
    }

    public void delete(UUID session) {
        Path directory = workspace(session);
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the workspace of session " + session, e);
        }
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
                    ids.add(UUID.fromString(entry.getFileName().toString()));
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
                    String type = attributes.isSymbolicLink() ? "symlink" : attributes.isRegularFile() ? "file" : "other";
                    files.add(entry(directory, file, type, attributes.isRegularFile() ? attributes.size() : 0, attributes));
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

    public record Usage(long bytes, int entries) {
    }

    public byte[] read(UUID session, String path) {
        Path file = resolve(session, path, false);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
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
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isDirectory()) {
                    throw ProblemException.invalidField("path", "is a directory");
                }
                replaced = attributes.isRegularFile() ? attributes.size() : 0;
            }
            long after = usage.bytes() - replaced + content.length;
            if (after > quotaBytes) {
                throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "the workspace would hold " + after
                        + " bytes, above its quota of " + quotaBytes);
            }
            int newEntries = exists ? 0 : 1 + missingDirectories(session, file);
            if (usage.entries() + newEntries > maxFiles) {
                throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "the workspace may hold at most " + maxFiles
                        + " files and directories");
            }
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), ".upload-", ".tmp");
            Files.write(temporary, content);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            BasicFileAttributes written = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return entry(workspace(session), file, "file", written.size(), written);
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
                throw ProblemException.invalidField("path", "'" + String.join("/", segments.subList(0, i + 1))
                        + "' is a symbolic link; links in a workspace are never followed");
            }
            if (!last && Files.exists(current, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                throw ProblemException.invalidField("path", "'" + String.join("/", segments.subList(0, i + 1))
                        + "' is not a directory");
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
        for (Path parent = file.getParent(); !parent.equals(workspace(session)) && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS);
                parent = parent.getParent()) {
            missing++;
        }
        return missing;
    }

    private static SessionFile entry(Path directory, Path path, String type, long size, BasicFileAttributes attributes) {
        String relative = directory.relativize(path).toString();
        return new SessionFile(relative, type, size, attributes.lastModifiedTime().toInstant().atOffset(ZoneOffset.UTC));
    }
}
