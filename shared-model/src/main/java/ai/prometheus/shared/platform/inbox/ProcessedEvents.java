package ai.prometheus.shared.platform.inbox;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.postgres.SqlPart;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Idempotent consumption. A consumer hands each event to {@link #once} inside the transaction that
 * holds its side effects: the event id is recorded in {@code processed_events} in that same
 * transaction, so a redelivery finds it and does nothing, and a failure rolls both back together.
 */
@ApplicationScoped
public class ProcessedEvents {

    private final String claim;
    private final String table;
    private final String cleanup;
    private final Pool pool;
    private final long retentionDays;

    public ProcessedEvents(
            ServiceConfig service,
            Pool pool,
            @ConfigProperty(name = "prometheus.inbox.retention-days", defaultValue = "30") long retentionDays) {
        this.pool = pool;
        this.retentionDays = retentionDays;
        this.table = service.schema() + ".processed_events";
        this.claim = "insert into " + table + " (consumer, event_id)"
                + " values (:consumer, :eventId) on conflict do nothing";
        this.cleanup = "delete from " + service.schema()
                + ".processed_events where processed_at < now() - make_interval(days => cast($1 as integer))";
    }

    /**
     * Runs {@code work} unless {@code consumer} already processed {@code eventId}. Must be called
     * inside a transaction; answers whether the work ran. Two replicas racing on the same event
     * serialize on the primary key: the second waits for the first to commit, then skips.
     */
    public Uni<Boolean> once(String consumer, String eventId, Supplier<Uni<?>> work) {
        return Panache.currentTransaction().chain(transaction -> {
            if (transaction == null) {
                return Uni.createFrom()
                        .failure(new IllegalStateException(
                                "ProcessedEvents.once must run inside the consumer's transaction"));
            }
            return Panache.getSession()
                    .chain(session -> session.createNativeQuery(claim)
                            .setParameter("consumer", consumer)
                            .setParameter("eventId", eventId)
                            .executeUpdate())
                    .chain(claimed -> claimed == 0
                            ? Uni.createFrom().item(false)
                            : work.get().replaceWith(true));
        });
    }

    /**
     * {@link #once} in a transaction of its own, retried while the database is unavailable: what
     * a consumer calls for each event when its side effects are all in this database.
     */
    public Uni<Boolean> onceInTransaction(String consumer, String eventId, Supplier<Uni<?>> work) {
        return TransientFailures.retried(() -> Panache.withTransaction(() -> once(consumer, eventId, work)));
    }

    /**
     * The claim of {@link #once} as a statement to compose with others (see {@link SqlPart}), its
     * parameters numbered from {@code first}, claiming only when {@code condition} holds; it answers
     * a row when it claimed, none when the event was processed before or the condition was false.
     */
    public SqlPart claimPart(String consumer, String eventId, int first, String condition) {
        return new SqlPart(
                "insert into " + table + " (consumer, event_id) select $" + first + ", $" + (first + 1) + " where "
                        + condition + " on conflict do nothing returning 1",
                List.of(consumer, eventId));
    }

    // Kafka keeps messages for days, not months: ids older than that cannot be redelivered.
    @Scheduled(every = "1h", delayed = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forgetOldIds() {
        return pool.preparedQuery(cleanup).execute(Tuple.of(retentionDays)).replaceWithVoid();
    }
}
