package ai.prometheus.registry.invocation;

import ai.prometheus.shared.event.EventTypes;
import ai.prometheus.shared.event.ToolInvocationProgress;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.messaging.EventHandlers;
import ai.prometheus.shared.sandbox.ToolEvents;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The progress and log lines of asynchronous runs, as the sandbox sends them while the code runs:
 * each is appended to its invocation's stored events at once, so a follower on any replica
 * ({@code GET /invocations/{id}/events}) sees it while the run goes, and the invocation keeps them
 * afterwards as a synchronous one does. Appending is idempotent and ordered by the event's
 * sequence number (a redelivered line is one the events already hold), and bounded by
 * {@link ToolEvents#MAX_EVENTS}.
 */
@ApplicationScoped
public class InvocationProgress {

    private final Pool pool;
    private final EventHandlers handlers;
    private final String append;

    public InvocationProgress(Pool pool, EventCodec codec, ServiceConfig service) {
        this.pool = pool;
        // One statement, outside any session: no read-modify-write for two lines to race over. The
        // text cast matters: a string bound to a jsonb parameter would be stored as a JSON string.
        // A line whose sequence number is below the count already stored was stored before.
        this.append = "update " + service.schema() + ".invocations"
                + " set events = (coalesce(events::jsonb, '[]'::jsonb) || jsonb_build_array(cast(cast($2 as text) as jsonb)))::text"
                + " where id = $1"
                + " and coalesce(jsonb_array_length(events::jsonb), 0) <= $3"
                + " and coalesce(jsonb_array_length(events::jsonb), 0) < " + ToolEvents.MAX_EVENTS;
        this.handlers = EventHandlers.of(codec)
                .on(EventTypes.TOOL_INVOCATION_PROGRESS, ToolInvocationProgress.class, line -> append(line.data()))
                .skipOthers();
    }

    @Incoming("invocation-progress")
    public Uni<Void> consume(String record) {
        return handlers.handle(record);
    }

    private Uni<Void> append(ToolInvocationProgress line) {
        if (line.invocationId() == null || line.event() == null || !line.event().isObject() || line.sequence() < 0) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(append)
                .execute(Tuple.of(line.invocationId(), line.event().toString(), line.sequence()))
                .replaceWithVoid();
    }
}
