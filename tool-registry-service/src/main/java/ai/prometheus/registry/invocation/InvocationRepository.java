package ai.prometheus.registry.invocation;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.sandbox.ToolEvents;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Invocations by id (the id doubles as the idempotency key of a request). */
@ApplicationScoped
public class InvocationRepository implements PanacheRepositoryBase<Invocation, UUID> {

    private final Pool pool;
    private final String appendEvent;

    public InvocationRepository(Pool pool, ServiceConfig service) {
        this.pool = pool;
        // One statement, outside any session: no read-modify-write for two lines to race over. A
        // line whose sequence number is below the count already stored was stored before. The text
        // cast matters: a string bound to a jsonb parameter would be stored as a JSON string.
        this.appendEvent = "update " + service.schema() + ".invocations"
                + " set events = (coalesce(events::jsonb, '[]'::jsonb)"
                + " || jsonb_build_array(cast(cast($2 as text) as jsonb)))::text"
                + " where id = $1"
                + " and coalesce(jsonb_array_length(events::jsonb), 0) <= $3"
                + " and coalesce(jsonb_array_length(events::jsonb), 0) < " + ToolEvents.MAX_EVENTS;
    }

    /**
     * Appends a progress or log line to invocation {@code id}'s stored events, unless it holds it
     * already ({@code sequence} below its count) or holds {@link ToolEvents#MAX_EVENTS}.
     */
    public Uni<Void> appendEvent(UUID id, int sequence, JsonNode event) {
        return pool.preparedQuery(appendEvent)
                .execute(Tuple.of(id, event.toString(), sequence))
                .replaceWithVoid();
    }
}
