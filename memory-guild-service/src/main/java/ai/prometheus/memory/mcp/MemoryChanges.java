package ai.prometheus.memory.mcp;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.postgres.PostgresListener;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The contexts whose memories changed, whichever replica (or writer: REST, MCP, episodes, restores)
 * changed them: a trigger on the memories table notifies at commit with the context's id.
 */
@ApplicationScoped
public class MemoryChanges {

    private final BroadcastProcessor<UUID> changes = BroadcastProcessor.create();
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final ServiceConfig service;
    private PostgresListener listener;

    public MemoryChanges(
            ServiceConfig service,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") String password) {
        this.service = service;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    void start(@Observes StartupEvent startup) {
        listener = PostgresListener.startWithPayloads(
                jdbcUrl,
                user,
                password,
                "memories_changed_" + service.schema(),
                Duration.ofSeconds(30),
                "mcp-memory-changes",
                (notified, ids) -> ids.forEach(id -> changes.onNext(UUID.fromString(id))));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (listener != null) {
            listener.close();
        }
        changes.onComplete();
    }

    /** A hot stream of the ids of contexts whose memories changed, one item per context and committed transaction. */
    public Multi<UUID> stream() {
        return changes;
    }
}
