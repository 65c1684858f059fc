package ai.prometheus.registry.invocation;

import ai.prometheus.registry.usage.UsageRepository;
import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.inbox.ProcessedEvents;
import ai.prometheus.shared.platform.postgres.SqlPart;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Counts the result event of an invocation that nothing else waits for, in one statement on the
 * reactive pool: a synchronous invocation (its row was written finished, with its charge) or one
 * this replica's database does not hold. The statement reads the invocation's mode and status,
 * claims the event id and counts the outcome into the hour and day usage rollups, the claim and
 * the counts only when the invocation is neither asynchronous nor pending, all in one implicit
 * transaction. So every synchronous invocation's own result event costs the registry one round
 * trip instead of BEGIN, the claim, loading the invocation through a Hibernate session (its
 * result, events and arguments parsed), two upserts and COMMIT. An asynchronous one is left to
 * {@link InvocationResults}' transaction, which finishes and charges it: the statement then writes
 * nothing and answers false.
 */
@ApplicationScoped
public class SettledResultRepository {

    /** The usage rollups a result counts into (granularity, window, the statement's clause). */
    private enum Window {
        HOUR(ChronoUnit.HOURS, "hour"),
        DAY(ChronoUnit.DAYS, "day");

        final ChronoUnit unit;
        final String clause;

        Window(ChronoUnit unit, String clause) {
            this.unit = unit;
            this.clause = clause;
        }
    }

    /** The invocation's row is one the consumer's own transaction must finish or charge. */
    private static final String NOT_SETTLED = "exists (select 1 from inv where mode = 'ASYNC' or status = 'PENDING')";

    private final Pool pool;
    private final ProcessedEvents processed;
    private final UsageRepository usage;
    private final String invocations;

    public SettledResultRepository(Pool pool, ProcessedEvents processed, UsageRepository usage, ServiceConfig service) {
        this.pool = pool;
        this.processed = processed;
        this.usage = usage;
        this.invocations = service.schema() + ".invocations";
    }

    /**
     * Claims {@code eventId} for {@code consumer} and counts {@code outcome} of {@code tool} by
     * {@code caller} at {@code finishedAt}, unless invocation {@code invocationId} is asynchronous
     * or pending; answers false then (nothing written), true otherwise (counted, or the event was
     * processed before).
     */
    public Uni<Boolean> countIfSettled(
            String consumer,
            String eventId,
            UUID invocationId,
            String tool,
            String caller,
            UsageRepository.Outcome outcome,
            OffsetDateTime finishedAt) {
        return countIfSettled(pool, consumer, eventId, invocationId, tool, caller, outcome, finishedAt);
    }

    /** The same on {@code client} (a test's transaction). */
    Uni<Boolean> countIfSettled(
            SqlClient client,
            String consumer,
            String eventId,
            UUID invocationId,
            String tool,
            String caller,
            UsageRepository.Outcome outcome,
            OffsetDateTime finishedAt) {
        List<Object> parameters = new ArrayList<>();
        parameters.add(invocationId);
        SqlPart claim = processed.claimPart(consumer, eventId, 2, "not " + NOT_SETTLED);
        parameters.addAll(claim.parameters());
        StringBuilder sql = new StringBuilder(
                        "with inv as (select mode, status from " + invocations + " where id = $1),")
                .append(" claim as (")
                .append(claim.sql())
                .append(")");
        for (Window window : Window.values()) {
            SqlPart count = usage.countPart(
                    tool,
                    caller,
                    window.name(),
                    finishedAt.truncatedTo(window.unit),
                    outcome,
                    parameters.size() + 1,
                    "exists (select 1 from claim)");
            parameters.addAll(count.parameters());
            sql.append(", ")
                    .append(window.clause)
                    .append(" as (")
                    .append(count.sql())
                    .append(")");
        }
        sql.append(" select ").append(NOT_SETTLED);
        return client.preparedQuery(sql.toString())
                .execute(Tuple.from(parameters))
                .map(rows -> !rows.iterator().next().getBoolean(0));
    }
}
