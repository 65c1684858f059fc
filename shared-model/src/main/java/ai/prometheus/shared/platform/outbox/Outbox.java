package ai.prometheus.shared.platform.outbox;

import ai.prometheus.shared.event.CloudEvent;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.messaging.EventCodec;
import ai.prometheus.shared.platform.postgres.SqlPart;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The transactional outbox: an event is written as a row in the same transaction as the state
 * change it describes, and {@link OutboxRelay} publishes it to Kafka after commit. A crash between
 * the commit and the send therefore loses nothing; the relay sends it later.
 */
@ApplicationScoped
public class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class);

    /** The name of {@link #QUIET_CLAUSE}: the statement must read it (e.g. {@code ... from quiet}). */
    public static final String QUIET = "quiet";

    /**
     * A {@code WITH} clause for a self-committing statement whose outbox rows do not wake the relays
     * at its commit (the outbox trigger reads the setting, which lasts until that commit); the writer
     * calls {@link #wakeRelays()} once the statement succeeded. For a request's last write: the
     * notification at commit is work of PostgreSQL's (the notification queue, signalling the relays'
     * sessions) inside the statement's round trip, and wakes the relay while the request is still
     * being answered. A {@code WITH} clause that only reads runs only when the statement reads it.
     */
    public static final String QUIET_CLAUSE =
            QUIET + " as (select set_config('prometheus.outbox_notify', 'off', true))";

    private final EventCodec codec;
    private final Pool pool;
    private final String insertInSession;
    private final String insertStandalone;
    private final String table;
    private final String channel;
    private final String notify = "select pg_notify($1, '')";
    /**
     * How long a wake from an event loop waits: past the answer's delivery to its caller (well under
     * a millisecond on one host), and nothing next to the relay's poll interval.
     */
    static final long WAKE_DELAY_MS = 5;

    /** Wakes asked for and not yet sent or answered: 0 none, 1 one in flight, 2 one more to send after it. */
    private final AtomicInteger wakes = new AtomicInteger();

    public Outbox(EventCodec codec, Pool pool, ServiceConfig service) {
        this.codec = codec;
        this.pool = pool;
        this.table = service.schema() + ".outbox";
        this.channel = channel(service.schema());
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

    /** The channel the relays of {@code schema}'s outbox listen on: the outbox trigger's ({@code V0_1}, {@code V0_4}). */
    public static String channel(String schema) {
        return "outbox_" + schema;
    }

    /**
     * Wakes every replica's relay as the outbox trigger does, for rows written with
     * {@link #QUIET_CLAUSE} and committed: {@link #WAKE_DELAY_MS} later when called on an event loop
     * (so a request's answer reaches its caller before PostgreSQL and the relays do the
     * notification's work on the same cores), as a statement of its own that nobody waits for.
     * Coalesced: while one is in flight, any number of calls add one more, sent after it, so every
     * commit is followed by a notification that began after it. A lost one (a failed statement, a
     * crash) is caught by the relay's poll interval, as a missed notification always was.
     */
    public void wakeRelays() {
        if (wakes.getAndUpdate(asked -> Math.min(asked + 1, 2)) > 0) {
            return;
        }
        Context context = Vertx.currentContext();
        if (context == null) {
            sendWake();
        } else {
            context.owner().setTimer(WAKE_DELAY_MS, ignored -> sendWake());
        }
    }

    private void sendWake() {
        pool.preparedQuery(notify).execute(Tuple.of(channel)).subscribe().with(rows -> woke(), failure -> {
            LOG.debugf(failure, "waking the outbox relays failed; their poll interval catches the rows");
            woke();
        });
    }

    private void woke() {
        if (wakes.decrementAndGet() > 0) {
            sendWake();
        }
    }
}
