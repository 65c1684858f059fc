package ai.prometheus.sandbox.host;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What this host offers the sandboxes, found once at start by {@link HostDetection}: everything
 * the launcher and the runtime are built from.
 *
 * @param stateDir the checked state directory
 * @param interpreters the executable of each installed language
 * @param root the service runs as root: each sandbox drops to a uid of its own from {@code uids}
 * @param insecure isolation was disabled by the operator (development only)
 * @param uids this replica's claimed block of sandbox uids
 * @param cgroups the control groups this process may create, if any
 * @param seccomp the filter file every sandbox loads (absent: none for this architecture, or turned off)
 * @param networkSeccomp the filter for runs with a network policy (TCP and UDP sockets allowed)
 * @param disableUserns bubblewrap can forbid nested user namespaces (0.8 and later)
 * @param kernelQuotaUnavailable why workspaces cannot be tmpfs mounts of their quota here; empty when they can
 */
public record Host(
        Path stateDir,
        Map<Language, String> interpreters,
        boolean root,
        boolean insecure,
        UidBlock uids,
        Optional<Cgroups> cgroups,
        Optional<Path> seccomp,
        Optional<Path> networkSeccomp,
        boolean disableUserns,
        Optional<String> kernelQuotaUnavailable) {

    public Host {
        interpreters = Map.copyOf(interpreters);
    }

    public String cgroupVersion() {
        return cgroups.map(Cgroups::version).orElse("none");
    }

    /** Ends every process and group of this replica's sandboxes and gives the uid block back. */
    public void release() {
        HostProcesses.killOwnedBy(uids::contains);
        cgroups.ifPresent(Cgroups::removeAll);
        try {
            uids.close();
        } catch (IOException e) {
            Logger.getLogger(Host.class).debugf("Releasing the uid block failed: %s", e.getMessage());
        }
    }
}
