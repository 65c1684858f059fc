package ai.prometheus.sandbox.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Size- and inode-limited tmpfs mounts on the host, made with util-linux's {@code mount}: the
 * kernel then refuses every write past the limits (ENOSPC), however many processes write at once.
 * Needs root (CAP_SYS_ADMIN) in the service's mount namespace; {@link #probe} says whether it has it.
 */
public final class TmpfsMounts {

    private static final long TIMEOUT_SECONDS = 10;

    private TmpfsMounts() {}

    /** Why this host cannot mount a tmpfs at {@code directory} (created if missing), or null when it can. */
    public static String probe(Path directory) {
        try {
            Files.createDirectories(directory);
            mount(directory, 4096, 4, 0700);
            unmount(directory);
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Mounts a tmpfs of at most {@code bytes} (rounded up to pages) and {@code inodes} at {@code directory}. */
    public static void mount(Path directory, long bytes, long inodes, int mode) throws IOException {
        run(
                "/bin/mount",
                "-t",
                "tmpfs",
                "-o",
                "size=" + bytes + ",nr_inodes=" + inodes + ",mode=" + Integer.toOctalString(mode) + ",nosuid,nodev",
                "tmpfs",
                directory.toString());
    }

    /** Detaches the mount at once; its memory is freed when nothing uses it any more. */
    public static void unmount(Path directory) throws IOException {
        run("/bin/umount", "--lazy", directory.toString());
    }

    /** Whether a filesystem is mounted exactly at {@code directory} in this mount namespace. */
    public static boolean isMountPoint(Path directory) {
        return mountPoints().contains(directory.toAbsolutePath().normalize().toString());
    }

    /** Mount points at or under {@code parent}. */
    public static List<Path> mountedUnder(Path parent) {
        String prefix = parent.toAbsolutePath().normalize().toString();
        List<Path> found = new ArrayList<>();
        for (String point : mountPoints()) {
            if (point.equals(prefix) || point.startsWith(prefix + "/")) {
                found.add(Path.of(point));
            }
        }
        return found;
    }

    /** Field 5 of /proc/self/mountinfo, with the kernel's octal escapes of space, tab, newline and backslash undone. */
    private static List<String> mountPoints() {
        List<String> points = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    points.add(fields[4]
                            .replace("\\040", " ")
                            .replace("\\011", "\t")
                            .replace("\\012", "\n")
                            .replace("\\134", "\\"));
                }
            }
        } catch (IOException e) {
            // no procfs: nothing is known to be mounted
        }
        return points;
    }

    /** Entries (files, directories, links) below {@code directory}, never following links. */
    public static long entries(Path directory) {
        try (var walk = Files.walk(directory)) {
            return walk.count() - 1;
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static void run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command[0] + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command[0], e);
        }
    }
}
