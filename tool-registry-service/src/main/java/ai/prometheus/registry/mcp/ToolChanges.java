package ai.prometheus.registry.mcp;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.postgres.PostgresChangeFeed;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Tells this replica's MCP clients when the set of tools changes, and which tools changed. A
 * trigger on the tools table notifies at commit with the tool's name, whichever replica made the
 * change, so every replica hears every change.
 */
@ApplicationScoped
public class ToolChanges {

    private final PostgresChangeFeed feed;

    public ToolChanges(ServiceConfig service) {
        this.feed = new PostgresChangeFeed("tools_changed_" + service.schema(), "mcp-tool-changes");
    }

    void start(@Observes StartupEvent startup) {
        feed.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        feed.close();
    }

    /** A hot stream of the names of changed tools, one item per tool and committed transaction. */
    public Multi<String> stream() {
        return feed.stream();
    }
}
