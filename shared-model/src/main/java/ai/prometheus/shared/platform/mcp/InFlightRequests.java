package ai.prometheus.shared.platform.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The requests of 2025-11-25 sessions that this replica is answering, so that a
 * {@code notifications/cancelled} naming one of them stops it. Keyed by the caller's subject, the
 * session and the request id: one token cannot cancel another's requests. A request answered by
 * another replica is not found here, and a notification for an unknown request is ignored, as the
 * specification says.
 */
@ApplicationScoped
public class InFlightRequests {

    /** Ends a request that its client cancelled: it gets no response. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled by the client", null, false, false);
        }
    }

    private final Map<String, Runnable> cancels = new ConcurrentHashMap<>();

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

    /** Stops the named request if this replica is answering it; true when it did. */
    boolean cancel(String subject, String session, JsonNode id) {
        Runnable cancel = cancels.remove(key(subject, session, id));
        if (cancel == null) {
            return false;
        }
        cancel.run();
        return true;
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
