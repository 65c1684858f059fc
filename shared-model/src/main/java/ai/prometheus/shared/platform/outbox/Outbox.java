package ai.prometheus.shared.platform.outbox;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.postgres.SqlPart;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;

/**
 * The transactional outbox: an event is written as a row in the same transaction as the state
 * change it describes, and {@link OutboxRelay} publishes it to Kafka after commit. A crash between
 * the commit and the send therefore loses nothing; the relay sends it later.
 */
@ApplicationScoped
public class Outbox {

    private final EventCodec codec;
    private final Pool pool;
    private final String insertInSession;
    private final String insertStandalone;
    private final String table;

    public Outbox(EventCodec codec, Pool pool, ServiceConfig service) {
        this.codec = codec;
        this.pool = pool;
        this.table = service.schema() + ".outbox";
        this.insertInSession = "insert into " + table + " (id, topic, message_key, event_type, traceparent, payload)"
                + " values (:id, :topic, cast(:key as text), :type, cast(:traceparent as text), cast(cast(:payload as text) as jsonb))";
        this.insertStandalone = "insert into " + table + " (id, topic, message_key, event_type, traceparent, payload)"
                + " values ($1, $2, $3, $4, $5, cast(cast($6 as text) as jsonb))";
    }

    /**
     * Adds {@code event} for {@code topic} inside the caller's Hibernate Reactive transaction; the
     * event's subject is the Kafka key. Fails if there is no transaction, because an event written
     * outside the state change's transaction is exactly what the outbox exists to prevent.
     */
    public Uni<Void> add(String topic, CloudEvent event) {
        return Panache.currentTransaction()
                .chain(transaction -> {
                    if (transaction == null) {
                        return Uni.createFrom()
                                .failure(
                                        new IllegalStateException(
                                                "Outbox.add must run inside a transaction (use @WithTransaction or Panache.withTransaction)"));
                    }
                    return Panache.getSession()
                            .chain(session -> session.createNativeQuery(insertInSession)
                                    .setParameter("id", event.id())
                                    .setParameter("topic", topic)
                                    .setParameter("key", event.subject())
                                    .setParameter("type", event.type())
                                    .setParameter("traceparent", event.traceparent())
                                    .setParameter("payload", codec.encode(event))
                                    .executeUpdate());
                })
                .replaceWithVoid();
    }

    /**
     * The insert of {@code event} for {@code topic} as a statement to compose with the state change
     * it describes into one statement (see {@link SqlPart}), so both commit together; parameters
     * numbered from {@code first}.
     */
    public SqlPart insertPart(String topic, CloudEvent event, int first) {
        return new SqlPart(
                "insert into " + table + " (id, topic, message_key, event_type, traceparent, payload) values ("
                        + "$" + first + ", $" + (first + 1) + ", $" + (first + 2) + ", $" + (first + 3) + ", $"
                        + (first + 4) + ", cast(cast($" + (first + 5) + " as text) as jsonb))",
                Arrays.asList(
                        event.id(), topic, event.subject(), event.type(), event.traceparent(), codec.encode(event)));
    }

    /**
     * Adds {@code event} in a transaction of its own, for events that describe no state change of
     * this service, such as an error report written after the failed request rolled back.
     */
    public Uni<Void> addStandalone(String topic, CloudEvent event) {
        return pool.preparedQuery(insertStandalone)
                .execute(Tuple.from(new Object[] {
                    event.id(), topic, event.subject(), event.type(), event.traceparent(), codec.encode(event)
                }))
                .replaceWithVoid();
    }
}
