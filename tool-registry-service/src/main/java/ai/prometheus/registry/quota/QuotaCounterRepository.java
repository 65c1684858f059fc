package ai.prometheus.registry.quota;

import ai.prometheus.shared.platform.config.ServiceConfig;
import ai.prometheus.shared.platform.persistence.NativeSql;
import ai.prometheus.shared.platform.postgres.SqlPart;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The quota counters of every tool ({@code quota_counters}: one row per tool, subject, counter and
 * window start). Admission reads and takes counters on a pooled connection of its own, in a
 * transaction of its own, outside any Hibernate session (it must commit whatever the request does
 * next); a run's charge is added either the same way or inside the caller's session.
 */
@ApplicationScoped
public class QuotaCounterRepository {

    /** One counter row of a tool: whose ({@code caller:<sub>} or {@code *}), which counter, which window. */
    public record Counter(String subject, String counter, OffsetDateTime windowStart) {}

    /** An amount to add to a counter. */
    public record Amount(Counter counter, long amount) {}

    private final Pool pool;
    private final String table;
    private final String take;
    private final String read;
    private final String add;
    private final String usage;
    private final String purge;

    public QuotaCounterRepository(Pool pool, ServiceConfig service) {
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

    /**
     * Runs {@code work} in one transaction on a connection of its own: committed when the
     * {@code Uni} it returns succeeds, rolled back (no counter moved) when it fails.
     */
    public <T> Uni<T> inTransaction(Function<CounterTransaction, Uni<T>> work) {
        return pool.withTransaction(connection -> work.apply(new CounterTransaction(connection)));
    }

    /** Counters read and taken inside one {@link #inTransaction} transaction. */
    public final class CounterTransaction {

        private final SqlConnection connection;

        private CounterTransaction(SqlConnection connection) {
            this.connection = connection;
        }

        /** What the counter holds (0 if it has no row yet). */
        public Uni<Long> used(UUID toolId, Counter counter) {
            return connection
                    .preparedQuery(read)
                    .execute(Tuple.of(toolId, counter.subject(), counter.counter(), counter.windowStart()))
                    .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
        }

        /**
         * Adds one to the counter if it holds less than {@code limit}, in one statement (the row
         * lock makes check and increment one step across replicas); whether it did.
         */
        public Uni<Boolean> takeOne(UUID toolId, Counter counter, long limit) {
            return connection
                    .preparedQuery(take)
                    .execute(Tuple.from(
                            new Object[] {toolId, counter.subject(), counter.counter(), counter.windowStart(), limit}))
                    .map(rows -> rows.size() > 0);
        }

        /** Runs {@code statement} (a write that must commit with the counters) in this transaction. */
        public Uni<Void> execute(SqlPart statement) {
            return connection
                    .preparedQuery(statement.sql())
                    .execute(Tuple.from(statement.parameters()))
                    .replaceWithVoid();
        }
    }

    /** Adds {@code amount} to the counter, committed on its own. */
    public Uni<Void> add(UUID toolId, Amount amount) {
        Counter counter = amount.counter();
        return pool.preparedQuery(add)
                .execute(Tuple.from(new Object[] {
                    toolId, counter.subject(), counter.counter(), counter.windowStart(), amount.amount()
                }))
                .replaceWithVoid();
    }

    /**
     * Adds all {@code amounts} (at least one, to distinct counters) in one statement through the
     * current Hibernate Reactive session, so inside its transaction; rows are written in the order
     * given, so callers that keep one order cannot deadlock each other.
     */
    public Uni<Void> addInSession(UUID toolId, List<Amount> amounts) {
        StringBuilder sql = new StringBuilder("insert into ")
                .append(table)
                .append(" as c (tool_id, subject, counter, window_start, used) values ");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("tool", toolId);
        for (int i = 0; i < amounts.size(); i++) {
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
            Counter counter = amounts.get(i).counter();
            parameters.put("subject" + i, counter.subject());
            parameters.put("counter" + i, counter.counter());
            parameters.put("window" + i, counter.windowStart());
            parameters.put("used" + i, amounts.get(i).amount());
        }
        sql.append(
                " on conflict (tool_id, subject, counter, window_start) do update set used = c.used + excluded.used");
        return NativeSql.update(sql.toString(), parameters).replaceWithVoid();
    }

    /**
     * The same addition as {@link #addInSession}, as a statement to compose with the write it
     * belongs to (see {@link SqlPart}); parameters numbered from {@code first}.
     */
    public SqlPart addPart(UUID toolId, List<Amount> amounts, int first) {
        StringBuilder sql = new StringBuilder("insert into ")
                .append(table)
                .append(" as c (tool_id, subject, counter, window_start, used) values ");
        List<Object> parameters = new ArrayList<>();
        parameters.add(toolId);
        for (int i = 0; i < amounts.size(); i++) {
            Counter counter = amounts.get(i).counter();
            sql.append(i == 0 ? "($" : ", ($")
                    .append(first)
                    .append(", ")
                    .append(SqlPart.placeholders(first + parameters.size(), 4))
                    .append(')');
            parameters.add(counter.subject());
            parameters.add(counter.counter());
            parameters.add(counter.windowStart());
            parameters.add(amounts.get(i).amount());
        }
        sql.append(
                " on conflict (tool_id, subject, counter, window_start) do update set used = c.used + excluded.used");
        return new SqlPart(sql.toString(), parameters);
    }

    /**
     * The counters of these subjects in the current minute window (counters per minute) and day
     * window (counters per day): subject to counter to amount used.
     */
    public Uni<Map<String, Map<String, Long>>> current(
            UUID toolId, List<String> subjects, OffsetDateTime minuteStart, OffsetDateTime dayStart) {
        return pool.preparedQuery(usage)
                .execute(Tuple.of(toolId, subjects.toArray(String[]::new), minuteStart, dayStart))
                .map(rows -> {
                    Map<String, Map<String, Long>> found = new HashMap<>();
                    for (Row row : rows) {
                        found.computeIfAbsent(row.getString("subject"), s -> new HashMap<>())
                                .put(row.getString("counter"), row.getLong("used"));
                    }
                    return found;
                });
    }

    /** Removes the windows that ended more than two days ago. */
    public Uni<Void> deleteEndedWindows() {
        return pool.query(purge).execute().replaceWithVoid();
    }
}
