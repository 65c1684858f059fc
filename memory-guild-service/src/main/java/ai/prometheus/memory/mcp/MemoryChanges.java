package ai.prometheus.memory.mcp;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.postgres.PostgresChangeFeed;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;

/**
 * The contexts whose memories changed, whichever replica (or writer: REST, MCP, episodes, restores)
 * changed them: a trigger on the memories table notifies at commit with the context's id.
 */
@ApplicationScoped
public class MemoryChanges {

    private final PostgresChangeFeed feed;

    public MemoryChanges(ServiceConfig service) {
        this.feed = new PostgresChangeFeed("memories_changed_" + service.schema(), "mcp-memory-changes");
    }

    void start(@Observes StartupEvent startup) {
        feed.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        feed.close();
    }

    /** A hot stream of the ids of contexts whose memories changed, one item per context and committed transaction. */
    public Multi<UUID> stream() {
        return feed.stream().map(UUID::fromString);
    }
}
