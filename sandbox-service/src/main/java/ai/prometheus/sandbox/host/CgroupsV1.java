package ai.prometheus.sandbox.host;

import static ai.prometheus.sandbox.host.CgroupFiles.children;
import static ai.prometheus.sandbox.host.CgroupFiles.keyed;
import static ai.prometheus.sandbox.host.CgroupFiles.killAll;
import static ai.prometheus.sandbox.host.CgroupFiles.pidsIn;
import static ai.prometheus.sandbox.host.CgroupFiles.read;
import static ai.prometheus.sandbox.host.CgroupFiles.readLong;
import static ai.prometheus.sandbox.host.CgroupFiles.rmdir;
import static ai.prometheus.sandbox.host.CgroupFiles.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** cgroup v1: memory, pids and cpuacct each in a hierarchy of its own. */
final class CgroupsV1 implements Cgroups {

    private static final List<String> CONTROLLERS = List.of("memory", "pids", "cpuacct");

    private final Path memory;
    private final Path pids;
    private final Path cpuacct;

    private CgroupsV1(Path memory, Path pids, Path cpuacct) {
        this.memory = memory;
        this.pids = pids;
        this.cpuacct = cpuacct;
    }

    static Optional<Cgroups> detect(List<String> mounts, List<String> membership, String replicaDirectory)
            throws IOException {
        Map<String, Path> roots = new LinkedHashMap<>();
        for (String controller : CONTROLLERS) {
            Optional<Path> mountPoint = mountPointOf(mounts, controller);
            Optional<String> own = ownPath(membership, controller);
            if (mountPoint.isEmpty() || own.isEmpty()) {
                return Optional.empty();
            }
            roots.put(
                    controller, CgroupFiles.resolve(mountPoint.get(), own.get()).resolve(replicaDirectory));
        }
        for (Path root : roots.values()) {
            Files.createDirectories(root);
        }
        Path memoryRoot = roots.get("memory");
        // Hierarchical accounting, so the limits of the service's own group still cap the sandboxes.
        Path hierarchy = memoryRoot.resolve("memory.use_hierarchy");
        if (Files.exists(hierarchy) && !"1".equals(read(hierarchy))) {
            try {
                write(hierarchy, "1");
            } catch (IllegalStateException e) {
                // inherited from the parent on most kernels; not fatal
            }
        }
        return Optional.of(new CgroupsV1(memoryRoot, roots.get("pids"), roots.get("cpuacct")));
    }

    private static Optional<Path> mountPointOf(List<String> mounts, String controller) {
        for (String line : mounts) {
            String[] fields = line.split(" ");
            if (fields.length >= 4
                    && fields[2].equals("cgroup")
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

    private List<Path> roots() {
        return List.of(pids, memory, cpuacct);
    }

    @Override
    public String version() {
        return "v1";
    }

    @Override
    public SandboxCgroup create(String name) throws IOException {
        return new Group(
                name,
                Files.createDirectories(memory.resolve(name)),
                Files.createDirectories(pids.resolve(name)),
                Files.createDirectories(cpuacct.resolve(name)));
    }

    @Override
    public List<String> existing() {
        List<String> names = new ArrayList<>();
        roots().forEach(root ->
                children(root).stream().filter(n -> !names.contains(n)).forEach(names::add));
        return names;
    }

    @Override
    public void purge() {
        roots().forEach(CgroupFiles::purgeChildren);
    }

    @Override
    public void removeAll() {
        purge();
        roots().forEach(CgroupFiles::rmdir);
    }

    /** One sandbox's group in each of the three hierarchies. */
    record Group(String name, Path memory, Path pidsGroup, Path cpuacct) implements SandboxCgroup {

        @Override
        public List<Path> procsFiles() {
            return List.of(
                    memory.resolve("cgroup.procs"), pidsGroup.resolve("cgroup.procs"), cpuacct.resolve("cgroup.procs"));
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
}
