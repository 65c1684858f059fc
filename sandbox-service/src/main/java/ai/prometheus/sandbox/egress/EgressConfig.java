package ai.prometheus.sandbox.egress;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The egress proxy that runs with a network policy reach the outside through. */
@ConfigMapping(prefix = "sandbox.egress")
public interface EgressConfig {

    /**
     * Exact {@code host:port} entries (as a tool's policy writes them, no wildcards) that may reach
     * private, loopback or link-local addresses: company APIs, and the local servers of the tests.
     * Everything else that resolves to such an address is refused, whatever the tool's policy says.
     */
    Optional<List<String>> privateAllow();

    /**
     * Names the proxy resolves to a fixed address instead of asking DNS ({@code name -> address}), as
     * {@code curl --resolve} does: for split-horizon names an operator pins. The address still passes
     * the private-address check.
     */
    Map<String, String> hosts();

    /** The loopback port the proxy has inside each sandbox (its own network namespace: no clash). */
    @WithDefault("3128")
    int innerPort();

    /** How long the proxy waits for the outside host to accept a connection. */
    @WithDefault("10s")
    Duration connectTimeout();
}
