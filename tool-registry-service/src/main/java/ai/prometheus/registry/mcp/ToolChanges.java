package ai.prometheus.registry.mcp;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.postgres.PostgresListener;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Tells this replica's MCP clients when the set of tools changes, and which tools changed. A
 * trigger on the tools table notifies at commit with the tool's name, whichever replica made the
 * change, so every replica hears every change.
 */
@ApplicationScoped
public class ToolChanges {

    private final BroadcastProcessor<String> changes = BroadcastProcessor.create();
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final ServiceConfig service;
    private PostgresListener listener;

    public ToolChanges(
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
                "tools_changed_" + service.schema(),
                Duration.ofSeconds(30),
                "mcp-tool-changes",
                (notified, names) -> names.forEach(changes::onNext));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (listener != null) {
            listener.close();
        }
        changes.onComplete();
    }

    /** A hot stream of the names of changed tools, one item per tool and committed transaction. */
    public Multi<String> stream() {
        return changes;
    }
}
