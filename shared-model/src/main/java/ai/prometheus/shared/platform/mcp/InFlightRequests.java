package ai.prometheus.shared.platform.mcp;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.postgres.PostgresChangeFeed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The requests of 2025-11-25 sessions that this replica is answering, so that a
 * {@code notifications/cancelled} naming one of them stops it. Keyed by the caller's subject, the
 * session and the request id: one token cannot cancel another's requests. Any replica may serve
 * any request of a session, so the notification may arrive where the request is not: the replica
 * that does not find it relays it to the others through a PostgreSQL notification
 * ({@code mcp_cancelled_<schema>}), and the one answering the request stops it. A notification for
 * a request nobody answers is ignored, as the specification says.
 */
@ApplicationScoped
public class InFlightRequests {

    private static final Logger LOG = Logger.getLogger(InFlightRequests.class);
    /** PostgreSQL refuses a notification payload of 8,000 bytes or more: such a cancel is not relayed. */
    private static final int MAX_RELAYED_BYTES = 7_900;

    /** Ends a request that its client cancelled: it gets no response. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled by the client", null, false, false);
        }
    }

    /** One relayed cancellation, as the replicas tell each other. */
    record Relayed(String subject, String session, JsonNode requestId) {}

    private final Map<String, Runnable> cancels = new ConcurrentHashMap<>();
    private final Pool pool;
    private final ObjectMapper json;
    private final String channel;
    private final PostgresChangeFeed relayed;
    private final boolean servesMcp;

    public InFlightRequests(Pool pool, ObjectMapper json, ServiceConfig service, Instance<McpService> services) {
        this.servesMcp = !services.isUnsatisfied();
        this.pool = pool;
        this.json = json;
        this.channel = "mcp_cancelled_" + service.schema();
        this.relayed = new PostgresChangeFeed(channel, "mcp-cancellations");
    }

    void start(@Observes StartupEvent startup) {
        // A service without an MCP endpoint has no requests to cancel: it keeps no listener.
        if (servesMcp) {
            relayed.stream().subscribe().with(this::onRelayed);
            relayed.start();
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        relayed.close();
    }

    /**
     * {@code result}, held here while it runs; cancelling it (the client's notification, or its
     * connection closing) cancels the work under it.
     */
    Uni<JsonNode> tracked(String subject, String session, JsonNode id, Uni<JsonNode> result) {
        String key = key(subject, session, id);
        AtomicReference<Cancellable> running = new AtomicReference<>();
        return Uni.createFrom()
                .<JsonNode>emitter(emitter -> {
                    Runnable cancel = () -> {
                        cancel(running.get());
                        emitter.fail(new Cancelled());
                    };
                    cancels.put(key, cancel);
                    emitter.onTermination(() -> cancels.remove(key, cancel));
                    running.set(result.subscribe().with(emitter::complete, emitter::fail));
                })
                .onCancellation()
                .invoke(() -> cancel(running.get()));
    }

    /**
     * Stops the named request: here if this replica is answering it (true), else by telling the
     * other replicas (false; the answer comes when the relay was sent, whoever finds it).
     */
    Uni<Boolean> cancel(String subject, String session, JsonNode id) {
        if (cancelHere(subject, session, id)) {
            return Uni.createFrom().item(true);
        }
        if (id == null || id.isMissingNode() || id.isNull()) {
            return Uni.createFrom().item(false);
        }
        String payload;
        try {
            payload = json.writeValueAsString(new Relayed(subject, session, id));
        } catch (Exception e) {
            return Uni.createFrom().item(false);
        }
        if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_RELAYED_BYTES) {
            return Uni.createFrom().item(false);
        }
        return pool.preparedQuery("select pg_notify($1, $2)")
                .execute(Tuple.of(channel, payload))
                .replaceWith(false)
                .onFailure()
                .recoverWithItem(failure -> {
                    // The request runs on to its answer: the client ignores it, as it would any late one.
                    LOG.warnf("Could not relay a cancellation to the other replicas: %s", failure.getMessage());
                    return false;
                });
    }

    private boolean cancelHere(String subject, String session, JsonNode id) {
        Runnable cancel = cancels.remove(key(subject, session, id));
        if (cancel == null) {
            return false;
        }
        cancel.run();
        return true;
    }

    private void onRelayed(String payload) {
        try {
            Relayed relayed = json.readValue(payload, Relayed.class);
            if (relayed.subject() != null && relayed.session() != null && relayed.requestId() != null) {
                cancelHere(relayed.subject(), relayed.session(), relayed.requestId());
            }
        } catch (Exception e) {
            LOG.debugf("Ignored a relayed cancellation that could not be read: %s", e.getMessage());
        }
    }

    private static void cancel(Cancellable running) {
        if (running != null) {
            running.cancel();
        }
    }

    /** The id's JSON text: 1 and "1" are different requests. */
    private static String key(String subject, String session, JsonNode id) {
        return subject + "\n" + session + "\n" + id;
    }
}
