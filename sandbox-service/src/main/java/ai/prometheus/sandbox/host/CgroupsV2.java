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
import java.util.List;
import java.util.Optional;

/** cgroup v2: one unified hierarchy; needs the memory and pids controllers delegated to us. */
final class CgroupsV2 implements Cgroups {

    private final Path root;

    private CgroupsV2(Path root) {
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
        String own = membership.stream()
                .filter(l -> l.startsWith("0::"))
                .map(l -> l.substring(3))
                .findFirst()
                .orElse(null);
        if (mountPoint == null || own == null) {
            return Optional.empty();
        }
        Path ownGroup = CgroupFiles.resolve(mountPoint, own);
        List<String> available =
                List.of(read(ownGroup.resolve("cgroup.controllers")).split(" "));
        if (!available.contains("memory") || !available.contains("pids")) {
            return Optional.empty();
        }
        enableControllers(ownGroup);
        Path root = Files.createDirectories(ownGroup.resolve(replicaDirectory));
        write(root.resolve("cgroup.subtree_control"), "+memory +pids" + (available.contains("cpu") ? " +cpu" : ""));
        return Optional.of(new CgroupsV2(root));
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
        return new Group(name, Files.createDirectories(root.resolve(name)));
    }

    @Override
    public List<String> existing() {
        return children(root);
    }

    @Override
    public void purge() {
        CgroupFiles.purgeChildren(root);
    }

    @Override
    public void removeAll() {
        purge();
        rmdir(root);
    }

    /**
     * Not yet on v2: the group would have to sit beside this replica's directory, which needs the
     * cpu controller enabled in the service's own group, and nothing here has run on such a host.
     */
    @Override
    public Optional<WarmingGroup> warmingGroup() {
        return Optional.empty();
    }

    /** One sandbox's group. */
    record Group(String name, Path group) implements SandboxCgroup {

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
            return keyed(group.resolve("cpu.stat"), "usage_usec") * 1000;
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
            return Math.max(
                    keyed(group.resolve("pids.events"), "max"), keyed(group.resolve("pids.events.local"), "max"));
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
}
