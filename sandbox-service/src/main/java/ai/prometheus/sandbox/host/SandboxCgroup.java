package ai.prometheus.sandbox.host;

import java.nio.file.Path;
import java.util.List;

/** The control groups of one sandbox: its limits, its measurements, and every process it started. */
public interface SandboxCgroup {

    /** A sandbox without control groups: rlimits alone limit it, and it measures nothing here. */
    SandboxCgroup NONE = new SandboxCgroup() {
        @Override
        public List<Path> procsFiles() {
            return List.of();
        }

        @Override
        public boolean enforced() {
            return false;
        }

        @Override
        public void limitMemory(long bytes) {}

        @Override
        public void limitProcesses(int max) {}

        @Override
        public long cpuNanos() {
            return -1;
        }

        @Override
        public long peakMemoryBytes() {
            return -1;
        }

        @Override
        public long oomKills() {
            return 0;
        }

        @Override
        public long processLimitHits() {
            return 0;
        }

        @Override
        public List<Long> pids() {
            return List.of();
        }

        @Override
        public boolean remove() {
            return true;
        }

        @Override
        public String name() {
            return "none";
        }
    };

    /** The {@code cgroup.procs} files a process writes its pid into to join every group. */
    List<Path> procsFiles();

    /** Whether memory, process count and CPU are limited and measured here. */
    boolean enforced();

    void limitMemory(long bytes);

    /** Tasks (processes and threads) the group may hold. */
    void limitProcesses(int max);

    /** CPU time used by everything in the group so far, or -1 when unknown. */
    long cpuNanos();

    /** Highest memory use so far (including tmpfs pages written by the group), or -1 when unknown. */
    long peakMemoryBytes();

    /** Processes the kernel killed for exceeding the memory limit. */
    long oomKills();

    /** Forks refused because the group was at its task limit. */
    long processLimitHits();

    /** Every process in the group now. */
    List<Long> pids();

    /** Removes the group; false while processes are still in it. */
    boolean remove();

    String name();
}
