package ai.prometheus.registry.quota;

import ai.prometheus.shared.platform.config.ServiceConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fixed-window quota counters in PostgreSQL, shared by every registry replica. A call is admitted
 * by one statement per limit that increments the window's counter only while it is below the
 * limit ({@code insert ... on conflict do update ... where used < limit returning used}): the row
 * lock makes check and increment one step, so replicas together never admit more than the limit.
 * All of a call's limits are taken in one transaction, in a fixed order; if any is exhausted the
 * transaction rolls back and no counter moves.
 */
@ApplicationScoped
public class QuotaCounters {

    /** One limit to check: whose counter ({@code caller:<sub>} or {@code *}), what, and how much. */
    public record Check(String scope, String subject, QuotaMetric metric, long limit) {}

    /** The limit that refused a call. */
    public static final class Exhausted extends RuntimeException {
        private final Check check;
        private final long used;

        Exhausted(Check check, long used) {
            super(null, null, false, false);
            this.check = check;
            this.used = used;
        }

        public Check check() {
            return check;
        }

        public long used() {
            return used;
        }
    }

    private final Pool pool;
    private final String take;
    private final String read;
    private final String add;
    private final String usage;
    private final String purge;
    private final String table;

    public QuotaCounters(Pool pool, ServiceConfig service) {
        this.pool = pool;
        this.table = service.schema() + ".quota_counters";
        this.take = "insert into " + table
                + " as c (tool_id, subject, counter, window_start, used) values ($1, $2, $3, $4, 1)"
                + " on conflict (tool_id, subject, counter, window_start) do update set used = c.used + 1"
                + " where c.used < $5 returning used";
        this.read = "select used from " + table
                + " where tool_id = $1 and subject = $2 and counter = $3 and window_start = $4";
        this.add = "insert into " + table
                + " as c (tool_id, subject, counter, window_start, used) values ($1, $2, $3, $4, $5)"
                + " on conflict (tool_id, subject, counter, window_start) do update set used = c.used + excluded.used";
        this.usage = "select subject, counter, used from " + table + " where tool_id = $1 and subject = any($2)"
                + " and ((counter like '%/minutes' and window_start = $3) or (counter like '%/days' and window_start = $4))";
        this.purge = "delete from " + table + " where window_start < now() - interval '2 days'";
    }

    /** Windows that ended days ago count for nothing; any replica may remove them. */
    @Scheduled(every = "1h", delayed = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purgeEndedWindows() {
        return pool.query(purge).execute().replaceWithVoid();
    }

    /**
     * Admits one call: budgets (CPU, egress) must not be used up, and every call counter is taken.
     * Fails with {@link Exhausted} naming the first limit that refused, leaving every counter as it was.
     */
    public Uni<Void> admit(UUID toolId, List<Check> budgets, List<Check> calls, OffsetDateTime now) {
        return pool.withTransaction(connection -> {
            Uni<Void> steps = Uni.createFrom().voidItem();
            for (Check budget : budgets) {
                steps = steps.chain(() -> used(connection, toolId, budget, now)
                        .invoke(used -> {
                            if (used >= budget.limit()) {
                                throw new Exhausted(budget, used);
                            }
                        })
                        .replaceWithVoid());
            }
            for (Check call : calls) {
                steps = steps.chain(() -> connection
                        .preparedQuery(take)
                        .execute(Tuple.from(new Object[] {
                            toolId,
                            call.subject(),
                            call.metric().counterKey(),
                            call.metric().windowStart(now),
                            call.limit()
                        }))
                        .invoke(rows -> {
                            if (rows.size() == 0) {
                                throw new Exhausted(call, call.limit());
                            }
                        })
                        .replaceWithVoid());
            }
            return steps;
        });
    }

    /** Adds what a finished run used to the day's counters of its caller and of the tool. */
    public Uni<Void> charge(UUID toolId, String caller, long cpuMs, long egressBytes, OffsetDateTime at) {
        Uni<Void> steps = Uni.createFrom().voidItem();
        for (String subject : List.of(QuotaService.callerSubject(caller), QuotaService.TOTAL)) {
            for (Map.Entry<QuotaMetric, Long> amount : Map.of(
                            QuotaMetric.CPU_SECONDS_PER_DAY, cpuMs, QuotaMetric.EGRESS_BYTES_PER_DAY, egressBytes)
                    .entrySet()) {
                if (amount.getValue() > 0) {
                    steps = steps.chain(() -> pool.preparedQuery(add)
                            .execute(Tuple.from(new Object[] {
                                toolId,
                                subject,
                                amount.getKey().counterKey(),
                                amount.getKey().windowStart(at),
                                amount.getValue()
                            }))
                            .replaceWithVoid());
                }
            }
        }
        return steps;
    }

    /**
     * As {@link #charge}, all amounts in one statement through the current Hibernate Reactive
     * session (so inside its transaction). The rows are distinct (caller and total, per metric), and
     * always in the same order (caller first), so concurrent charges cannot deadlock.
     */
    public Uni<Void> chargeInSession(UUID toolId, String caller, long cpuMs, long egressBytes, OffsetDateTime at) {
        List<Object[]> rows = new ArrayList<>();
        for (String subject : List.of(QuotaService.callerSubject(caller), QuotaService.TOTAL)) {
            if (cpuMs > 0) {
                rows.add(new Object[] {subject, QuotaMetric.CPU_SECONDS_PER_DAY, cpuMs});
            }
            if (egressBytes > 0) {
                rows.add(new Object[] {subject, QuotaMetric.EGRESS_BYTES_PER_DAY, egressBytes});
            }
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        StringBuilder sql = new StringBuilder("insert into ")
                .append(table)
                .append(" as c (tool_id, subject, counter, window_start, used) values ");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append("(:tool, :subject")
                    .append(i)
                    .append(", :counter")
                    .append(i)
                    .append(", :window")
                    .append(i)
                    .append(", :used")
                    .append(i)
                    .append(')');
        }
        sql.append(
                " on conflict (tool_id, subject, counter, window_start) do update set used = c.used + excluded.used");
        return Panache.getSession()
                .chain(session -> {
                    var query = session.createNativeQuery(sql.toString()).setParameter("tool", toolId);
                    for (int i = 0; i < rows.size(); i++) {
                        QuotaMetric metric = (QuotaMetric) rows.get(i)[1];
                        query.setParameter("subject" + i, rows.get(i)[0])
                                .setParameter("counter" + i, metric.counterKey())
                                .setParameter("window" + i, metric.windowStart(at))
                                .setParameter("used" + i, rows.get(i)[2]);
                    }
                    return query.executeUpdate();
                })
                .replaceWithVoid();
    }

    /** The current windows' counters of these subjects: subject to counter key to amount used. */
    public Uni<Map<String, Map<String, Long>>> current(UUID toolId, List<String> subjects, OffsetDateTime now) {
        return pool.preparedQuery(usage)
                .execute(Tuple.of(
                        toolId,
                        subjects.toArray(String[]::new),
                        QuotaMetric.CALLS_PER_MINUTE.windowStart(now),
                        QuotaMetric.CALLS_PER_DAY.windowStart(now)))
                .map(rows -> {
                    Map<String, Map<String, Long>> found = new HashMap<>();
                    for (Row row : rows) {
                        found.computeIfAbsent(row.getString("subject"), s -> new HashMap<>())
                                .put(row.getString("counter"), row.getLong("used"));
                    }
                    return found;
                });
    }

    private Uni<Long> used(SqlConnection connection, UUID toolId, Check check, OffsetDateTime now) {
        return connection
                .preparedQuery(read)
                .execute(Tuple.of(
                        toolId,
                        check.subject(),
                        check.metric().counterKey(),
                        check.metric().windowStart(now)))
                .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
    }
}
