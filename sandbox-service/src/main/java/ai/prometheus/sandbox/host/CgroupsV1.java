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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * cgroup v1: memory, pids and cpuacct each in a hierarchy of its own; the cpu controller (its own
 * hierarchy, or joined with cpuacct) only for the warm pool's group, when it is mounted.
 */
final class CgroupsV1 implements Cgroups {

    private static final List<String> CONTROLLERS = List.of("memory", "pids", "cpuacct");
    private static final String WARMING_SUFFIX = "-warming";

    private final Path memory;
    private final Path pids;
    private final Path cpuacct;
    /** The service's own group in the cpu hierarchy, or null when there is none. */
    private final Path ownCpu;

    private final String replicaDirectory;

    private CgroupsV1(Path memory, Path pids, Path cpuacct, Path ownCpu, String replicaDirectory) {
        this.memory = memory;
        this.pids = pids;
        this.cpuacct = cpuacct;
        this.ownCpu = ownCpu;
        this.replicaDirectory = replicaDirectory;
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
        Optional<Path> cpuMount = mountPointOf(mounts, "cpu");
        Optional<String> ownCpu = ownPath(membership, "cpu");
        Path cpu =
                cpuMount.isPresent() && ownCpu.isPresent() ? CgroupFiles.resolve(cpuMount.get(), ownCpu.get()) : null;
        return Optional.of(new CgroupsV1(memoryRoot, roots.get("pids"), roots.get("cpuacct"), cpu, replicaDirectory));
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
        if (ownCpu != null) {
            // Never killed here: it holds only sandboxes, which their own teardown ends.
            rmdir(ownCpu.resolve(replicaDirectory + WARMING_SUFFIX));
        }
    }

    /**
     * Beside this replica's directory, not in it: a weight counts only against the group's
     * siblings, and the service's own threads are siblings of the replica's directory, not of the
     * groups inside it (a lone low group inside gets its parent's whole weight).
     */
    @Override
    public Optional<WarmingGroup> warmingGroup() throws IOException {
        if (ownCpu == null || !Files.exists(ownCpu.resolve("cpu.shares"))) {
            return Optional.empty();
        }
        Path group = Files.createDirectories(ownCpu.resolve(replicaDirectory + WARMING_SUFFIX));
        write(group.resolve("cpu.shares"), Warming.LOW);
        return Optional.of(new Warming(group, ownCpu.resolve("cgroup.procs")));
    }

    /**
     * The warm pool's group in the cpu hierarchy; a sandbox taken for a run, and a run's waiting,
     * are where a sandbox started for a run is: the service's own group (with cpu and cpuacct
     * joined, the interpreter is in its sandbox group from ready on and stays there).
     */
    static final class Warming implements WarmingGroup {

        /** The lowest weight v1 takes, against 1024 for the service's threads and every other task. */
        static final String LOW = "2";

        static final String NORMAL = "1024";

        private final Path group;
        private final Path normalProcs;
        private int hurried;

        Warming(Path group, Path normalProcs) {
            this.group = group;
            this.normalProcs = normalProcs;
        }

        /**
         * The process is moved from here, just after the JDK started it: its first step still sets
         * limits and drops privileges before bubblewrap forks, and whatever it forked already is
         * moved after it.
         */
        @Override
        public void enter(Process process) {
            Path procs = group.resolve("cgroup.procs");
            long pid = process.pid();
            while (pid > 0) {
                try {
                    write(procs, Long.toString(pid));
                } catch (IllegalStateException gone) {
                    return;
                }
                pid = firstChild(pid);
            }
        }

        @Override
        public void leave(List<Long> pids) {
            Set<Long> here = new HashSet<>(pidsIn(group.resolve("cgroup.procs")));
            for (Long pid : pids) {
                if (here.contains(pid)) {
                    try {
                        write(normalProcs, Long.toString(pid));
                    } catch (IllegalStateException e) {
                        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                            Logger.getLogger(CgroupsV1.class)
                                    .warnf("A warm sandbox keeps the low CPU priority: %s", e.getMessage());
                        }
                    }
                }
            }
        }

        @Override
        public synchronized void hurry() {
            if (hurried++ == 0) {
                weigh(NORMAL);
            }
        }

        @Override
        public synchronized void relax() {
            if (--hurried == 0) {
                weigh(LOW);
            }
        }

        private void weigh(String shares) {
            try {
                write(group.resolve("cpu.shares"), shares);
            } catch (IllegalStateException e) {
                Logger.getLogger(CgroupsV1.class).warnf("The warm pool's CPU weight stays: %s", e.getMessage());
            }
        }

        /** Without the kernel's children list (an old kernel), nothing forked yet is looked for. */
        private static long firstChild(long pid) {
            String children = read(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children"));
            return children.isEmpty() ? -1 : Long.parseLong(children.split("\\s+")[0]);
        }
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
