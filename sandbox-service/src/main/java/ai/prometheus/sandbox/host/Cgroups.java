package ai.prometheus.sandbox.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Creates per-sandbox control groups under the service's own groups, on cgroup v1
 * ({@link CgroupsV1}: one hierarchy per controller) or v2 ({@link CgroupsV2}: the unified
 * hierarchy), whichever the host offers with the controllers we need. Each replica works in a
 * directory of its own ({@code prometheus-sandbox-<block>}), so replicas on one host never touch
 * each other's groups.
 */
public interface Cgroups {

    /** The kind of hierarchy in use, for logs and health details. */
    String version();

    SandboxCgroup create(String name) throws IOException;

    /** Names of sandbox groups that exist now, for leftover checks. */
    List<String> existing();

    /** Kills and removes every sandbox group of this replica's directory, such as a crashed predecessor's. */
    void purge();

    /** Removes this replica's directories (after killing whatever is left in them). */
    void removeAll();

    /**
     * The group of low CPU weight for the warm pool's sandboxes (see {@link WarmingGroup}), created
     * now; empty when this hierarchy gives the service no cpu controller.
     */
    Optional<WarmingGroup> warmingGroup() throws IOException;

    /**
     * The best hierarchy available to this process, or empty when none can be used: cgroups are
     * then unavailable and sandboxes are limited by rlimits alone.
     */
    static Optional<Cgroups> detect(String replicaDirectory) {
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mounts"));
            List<String> membership = Files.readAllLines(Path.of("/proc/self/cgroup"));
            Optional<Cgroups> v1 = CgroupsV1.detect(mounts, membership, replicaDirectory);
            if (v1.isPresent()) {
                return v1;
            }
            return CgroupsV2.detect(mounts, membership, replicaDirectory);
        } catch (IOException | RuntimeException e) {
            Logger.getLogger(Cgroups.class).warnf("Control groups unavailable: %s", e.getMessage());
            return Optional.empty();
        }
    }
}
