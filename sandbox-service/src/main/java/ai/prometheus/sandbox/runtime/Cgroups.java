package ai.prometheus.sandbox.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Creates per-sandbox control groups under the service's own groups, on cgroup v1 (one hierarchy
 * per controller: memory, pids, cpuacct) or v2 (the unified hierarchy), whichever the host offers
 * with the controllers we need. Each replica works in a directory of its own
 * ({@code prometheus-sandbox-<block>}), so replicas on one host never touch each other's groups.
 */
public abstract class Cgroups {

    private static final Logger LOG = Logger.getLogger(Cgroups.class);

    /** The kind of hierarchy in use, for logs and health details. */
    public abstract String version();

    public abstract SandboxCgroup create(String name) throws IOException;

    /** Names of sandbox groups that exist now, for leftover checks. */
    public abstract List<String> existing();

    /** Kills and removes every sandbox group of this replica's directory, such as a crashed predecessor's. */
    public abstract void purge();

    /** Removes this replica's directories (after killing whatever is left in them). */
    public abstract void removeAll();

    /**
     * The best hierarchy available to this process, or empty when none can be used: cgroups are
     * then unavailable and sandboxes are limited by rlimits alone.
     */
    public static Optional<Cgroups> detect(String replicaDirectory) {
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mounts"));
            List<String> membership = Files.readAllLines(Path.of("/proc/self/cgroup"));
            Optional<Cgroups> v1 = V1.detect(mounts, membership, replicaDirectory);
            if (v1.isPresent()) {
                return v1;
            }
            return V2.detect(mounts, membership, replicaDirectory);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("Control groups unavailable: %s", e.getMessage());
            return Optional.empty();
        }
    }

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

    static void write(Path file, String value) {
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

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** cgroup v1: memory, pids and cpuacct each in a hierarchy of its own. */
    static final class V1 extends Cgroups {

        private final Path memory;
        private final Path pids;
        private final Path cpuacct;

        private V1(Path memory, Path pids, Path cpuacct) {
            this.memory = memory;
            this.pids = pids;
            this.cpuacct = cpuacct;
        }

        static Optional<Cgroups> detect(List<String> mounts, List<String> membership, String replicaDirectory)
                throws IOException {
            Map<String, Path> roots = new LinkedHashMap<>();
            for (String controller : List.of("memory", "pids", "cpuacct")) {
                Optional<Path> mountPoint = mountPointOf(mounts, controller);
                Optional<String> own = ownPath(membership, controller);
                if (mountPoint.isEmpty() || own.isEmpty()) {
                    return Optional.empty();
                }
                roots.put(controller, resolve(mountPoint.get(), own.get()).resolve(replicaDirectory));
            }
            for (Path root : roots.values()) {
                Files.createDirectories(root);
            }
            Path memoryRoot = roots.get("memory");
            // Hierarchical accounting, so the limits of the service's own group still cap the sandboxes.
            if (Files.exists(memoryRoot.resolve("memory.use_hierarchy")) && !"1".equals(read(memoryRoot.resolve("memory.use_hierarchy")))) {
                try {
                    write(memoryRoot.resolve("memory.use_hierarchy"), "1");
                } catch (IllegalStateException e) {
                    // inherited from the parent on most kernels; not fatal
                }
            }
            return Optional.of(new V1(memoryRoot, roots.get("pids"), roots.get("cpuacct")));
        }

        private static Optional<Path> mountPointOf(List<String> mounts, String controller) {
            for (String line : mounts) {
                String[] fields = line.split(" ");
                if (fields.length >= 4 && fields[2].equals("cgroup")
                        && List.of(fields[3].split(",")).contains(controller)) {
                    return Optional.of(Path.of(fields[1]));
                }
            }
            return Optional.empty();
        }

        private static Optional<String> ownPath(List<String> membership, String controller) {
            for (String line : membership) {
                String[] fields = line.split(":", 3);
                if (fields.length == 3 && List.of(fields[1].split(",")).contains(controller)) {
                    return Optional.of(fields[2]);
                }
            }
            return Optional.empty();
        }

        @Override
        public String version() {
            return "v1";
        }

        @Override
        public SandboxCgroup create(String name) throws IOException {
            Path memoryGroup = Files.createDirectories(memory.resolve(name));
            Path pidsGroup = Files.createDirectories(pids.resolve(name));
            Path cpuGroup = Files.createDirectories(cpuacct.resolve(name));
            return new V1Group(name, memoryGroup, pidsGroup, cpuGroup);
        }

        @Override
        public List<String> existing() {
            List<String> names = new ArrayList<>(children(memory));
            children(pids).stream().filter(n -> !names.contains(n)).forEach(names::add);
            children(cpuacct).stream().filter(n -> !names.contains(n)).forEach(names::add);
            return names;
        }

        @Override
        public void purge() {
            for (Path root : List.of(pids, memory, cpuacct)) {
                for (String child : children(root)) {
                    killAll(root.resolve(child).resolve("cgroup.procs"));
                    rmdir(root.resolve(child));
                }
            }
        }

        @Override
        public void removeAll() {
            purge();
            for (Path root : List.of(pids, memory, cpuacct)) {
                rmdir(root);
            }
        }
    }

    record V1Group(String name, Path memory, Path pidsGroup, Path cpuacct) implements SandboxCgroup {

        @Override
        public List<Path> procsFiles() {
            return List.of(memory.resolve("cgroup.procs"), pidsGroup.resolve("cgroup.procs"), cpuacct.resolve("cgroup.procs"));
        }

        @Override
        public boolean enforced() {
            return true;
        }

        @Override
        public void limitMemory(long bytes) {
            Path limit = memory.resolve("memory.limit_in_bytes");
            Path withSwap = memory.resolve("memory.memsw.limit_in_bytes");
            boolean swapAccounted = Files.exists(withSwap);
            // memory+swap may never be below memory: lower memory first, raise memory+swap first.
            long current = readLong(limit);
            if (swapAccounted && current >= 0 && bytes > current) {
                write(withSwap, Long.toString(bytes));
                write(limit, Long.toString(bytes));
            } else {
                write(limit, Long.toString(bytes));
                if (swapAccounted) {
                    write(withSwap, Long.toString(bytes));
                }
            }
        }

        @Override
        public void limitProcesses(int max) {
            write(pidsGroup.resolve("pids.max"), Integer.toString(max));
        }

        @Override
        public long cpuNanos() {
            return readLong(cpuacct.resolve("cpuacct.usage"));
        }

        @Override
        public long peakMemoryBytes() {
            return readLong(memory.resolve("memory.max_usage_in_bytes"));
        }

        @Override
        public long oomKills() {
            return keyed(memory.resolve("memory.oom_control"), "oom_kill");
        }

        @Override
        public long processLimitHits() {
            return keyed(pidsGroup.resolve("pids.events"), "max");
        }

        @Override
        public List<Long> pids() {
            return pidsIn(pidsGroup.resolve("cgroup.procs"));
        }

        @Override
        public boolean remove() {
            killAll(pidsGroup.resolve("cgroup.procs"));
            boolean removed = rmdir(pidsGroup);
            removed &= rmdir(memory);
            removed &= rmdir(cpuacct);
            return removed;
        }
    }

    /** cgroup v2: one unified hierarchy; needs the memory and pids controllers delegated to us. */
    static final class V2 extends Cgroups {

        private final Path root;

        private V2(Path root) {
            this.root = root;
        }

        static Optional<Cgroups> detect(List<String> mounts, List<String> membership, String replicaDirectory)
                throws IOException {
            Path mountPoint = null;
            for (String line : mounts) {
                String[] fields = line.split(" ");
                if (fields.length >= 3 && fields[2].equals("cgroup2")) {
                    mountPoint = Path.of(fields[1]);
                    break;
                }
            }
            String own = membership.stream().filter(l -> l.startsWith("0::")).map(l -> l.substring(3)).findFirst()
                    .orElse(null);
            if (mountPoint == null || own == null) {
                return Optional.empty();
            }
            Path ownGroup = resolve(mountPoint, own);
            List<String> available = List.of(read(ownGroup.resolve("cgroup.controllers")).split(" "));
            if (!available.contains("memory") || !available.contains("pids")) {
                return Optional.empty();
            }
            enableControllers(ownGroup);
            Path root = Files.createDirectories(ownGroup.resolve(replicaDirectory));
            write(root.resolve("cgroup.subtree_control"), "+memory +pids" + (available.contains("cpu") ? " +cpu" : ""));
            return Optional.of(new V2(root));
        }

        // A v2 group with processes in it cannot delegate controllers ("no internal processes"):
        // when the service sits in such a group, it moves its own processes into a leaf first.
        private static void enableControllers(Path ownGroup) throws IOException {
            String wanted = "+memory +pids";
            try {
                write(ownGroup.resolve("cgroup.subtree_control"), wanted);
            } catch (IllegalStateException busy) {
                Path leaf = Files.createDirectories(ownGroup.resolve("service"));
                for (Long pid : pidsIn(ownGroup.resolve("cgroup.procs"))) {
                    try {
                        write(leaf.resolve("cgroup.procs"), Long.toString(pid));
                    } catch (IllegalStateException gone) {
                        // exited meanwhile, or a kernel thread that cannot move
                    }
                }
                write(ownGroup.resolve("cgroup.subtree_control"), wanted);
            }
        }

        @Override
        public String version() {
            return "v2";
        }

        @Override
        public SandboxCgroup create(String name) throws IOException {
            return new V2Group(name, Files.createDirectories(root.resolve(name)));
        }

        @Override
        public List<String> existing() {
            return children(root);
        }

        @Override
        public void purge() {
            for (String child : children(root)) {
                killAll(root.resolve(child).resolve("cgroup.procs"));
                rmdir(root.resolve(child));
            }
        }

        @Override
        public void removeAll() {
            purge();
            rmdir(root);
        }
    }

    record V2Group(String name, Path group) implements SandboxCgroup {

        @Override
        public List<Path> procsFiles() {
            return List.of(group.resolve("cgroup.procs"));
        }

        @Override
        public boolean enforced() {
            return true;
        }

        @Override
        public void limitMemory(long bytes) {
            write(group.resolve("memory.max"), Long.toString(bytes));
            if (Files.exists(group.resolve("memory.swap.max"))) {
                write(group.resolve("memory.swap.max"), "0");
            }
        }

        @Override
        public void limitProcesses(int max) {
            write(group.resolve("pids.max"), Integer.toString(max));
        }

        @Override
        public long cpuNanos() {
            long micros = keyed(group.resolve("cpu.stat"), "usage_usec");
            return micros * 1000;
        }

        @Override
        public long peakMemoryBytes() {
            long peak = readLong(group.resolve("memory.peak"));
            return peak >= 0 ? peak : readLong(group.resolve("memory.current"));
        }

        @Override
        public long oomKills() {
            return keyed(group.resolve("memory.events"), "oom_kill");
        }

        /**
         * Forks refused at this group's limit. Since Linux 6.13, v2's {@code pids.events} counts a
         * limit hit by the group whose limit it was and {@code pids.events.local} the forks that
         * failed here: whichever the kernel keeps, either is evidence.
         */
        @Override
        public long processLimitHits() {
            return Math.max(keyed(group.resolve("pids.events"), "max"), keyed(group.resolve("pids.events.local"), "max"));
        }

        @Override
        public List<Long> pids() {
            return pidsIn(group.resolve("cgroup.procs"));
        }

        @Override
        public boolean remove() {
            killAll(group.resolve("cgroup.procs"));
            return rmdir(group);
        }
    }

    private static Path resolve(Path mountPoint, String own) {
        String relative = own.startsWith("/") ? own.substring(1) : own;
        return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
    }
}
