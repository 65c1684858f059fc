package ai.prometheus.sandbox.host;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/** Looks through the host's {@code /proc} for processes by owner: leftover checks and stale-block cleanup. */
public final class HostProcesses {

    private HostProcesses() {}

    /** Pids of processes whose real uid matches {@code uids}. */
    public static List<Long> ownedBy(IntPredicate uids) {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                int uid = realUid(entry.resolve("status"));
                if (uid >= 0 && uids.test(uid)) {
                    found.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing to report
        }
        return found;
    }

    /**
     * Tasks (processes and their threads) whose real uid is {@code uid}: what RLIMIT_NPROC counts,
     * the only evidence of a process limit hit on a host without a pids cgroup.
     */
    public static int tasksOwnedBy(int uid) {
        int tasks = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                int owner = -1;
                int threads = 1;
                try {
                    for (String line : Files.readAllLines(entry.resolve("status"))) {
                        if (line.startsWith("Uid:")) {
                            owner = Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
                        } else if (line.startsWith("Threads:")) {
                            threads = Integer.parseInt(line.substring(8).trim());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    continue; // exited meanwhile
                }
                if (owner == uid) {
                    tasks += threads;
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing to count
        }
        return tasks;
    }

    public static void killOwnedBy(IntPredicate uids) {
        for (int attempt = 0; attempt < 20; attempt++) {
            List<Long> pids = ownedBy(uids);
            if (pids.isEmpty()) {
                return;
            }
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            sleepQuietly(20);
        }
    }

    public static int realUid(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // exited meanwhile
        }
        return -1;
    }

    /** The first child of {@code pid} (from /proc when the kernel lists children there), or -1. */
    public static long firstChild(long pid) {
        Path children = Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children");
        try {
            String listed = Files.readString(children).trim();
            if (!listed.isEmpty()) {
                return Long.parseLong(listed.split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // no children file on this kernel: ask the JDK, which scans /proc
        }
        return ProcessHandle.of(pid)
                .flatMap(handle -> handle.children().findFirst())
                .map(ProcessHandle::pid)
                .orElse(-1L);
    }

    /** Peak resident memory of one process ({@code VmHWM}), or -1. */
    public static long peakResidentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // exited meanwhile
        }
        return -1;
    }

    /** User plus system CPU of a process and its reaped children, in nanoseconds, or -1. */
    public static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[11..14] = utime, stime, cutime, cstime in clock ticks (100 per second on Linux)
            long ticks = Long.parseLong(fields[11])
                    + Long.parseLong(fields[12])
                    + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14]);
            return ticks * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
