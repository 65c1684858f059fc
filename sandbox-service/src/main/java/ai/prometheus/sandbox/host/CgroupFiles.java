package ai.prometheus.sandbox.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading and writing the cgroup filesystem's small files, the same for v1 and v2. */
public final class CgroupFiles {

    private CgroupFiles() {}

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    static long readLong(Path file) {
        String text = read(file);
        try {
            return text.isEmpty() || text.equals("max") ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The value of {@code key} in a flat-keyed file such as {@code memory.events}: "key value" lines. */
    static long keyed(Path file, String key) {
        for (String line : read(file).split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals(key)) {
                try {
                    return Long.parseLong(parts[1]);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** Writes {@code value}; an {@link IllegalStateException} saying what the kernel refused. */
    public static void write(Path file, String value) {
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value + " to " + file + ": " + e.getMessage(), e);
        }
    }

    static List<Long> pidsIn(Path procs) {
        List<Long> pids = new ArrayList<>();
        for (String line : read(procs).split("\n")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.trim()));
            }
        }
        return pids;
    }

    static void killAll(Path procs) {
        for (int attempt = 0; attempt < 50; attempt++) {
            List<Long> pids = pidsIn(procs);
            if (pids.isEmpty()) {
                return;
            }
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            sleepQuietly(10);
        }
    }

    static List<String> children(Path directory) {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, Files::isDirectory)) {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        } catch (IOException e) {
            // gone meanwhile
        }
        return names;
    }

    /** Kills what is in each child group of {@code root} and removes the group. */
    static void purgeChildren(Path root) {
        for (String child : children(root)) {
            killAll(root.resolve(child).resolve("cgroup.procs"));
            rmdir(root.resolve(child));
        }
    }

    /** Removes a group directory, retrying briefly while the kernel finishes tearing processes down. */
    static boolean rmdir(Path directory) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                Files.deleteIfExists(directory);
                return true;
            } catch (IOException e) {
                sleepQuietly(5);
            }
        }
        return !Files.exists(directory);
    }

    /** {@code own} (a path from /proc/self/cgroup) below the hierarchy's mount point. */
    static Path resolve(Path mountPoint, String own) {
        String relative = own.startsWith("/") ? own.substring(1) : own;
        return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
