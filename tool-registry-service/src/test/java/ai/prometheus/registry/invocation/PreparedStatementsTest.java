package ai.prometheus.registry.invocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.prometheus.registry.config.StatementCachePool;
import ai.prometheus.registry.usage.UsageRecorder;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Long statements stay prepared on their connection: after one execution PostgreSQL holds each as
 * a named prepared statement, so the next executions only bind and execute. A statement the SQL
 * client does not cache (by default any of 2,048 characters or more) is sent unnamed, parsed and
 * planned on every execution, and never appears in {@code pg_prepared_statements}.
 */
@QuarkusTest
class PreparedStatementsTest {

    @Inject
    Pool pool;

    @Inject
    SettledResultRepository settled;

    @Test
    void theResultCountOfEverySynchronousInvocationStaysPrepared() {
        String caller = "prepared-" + UUID.randomUUID();

        long kept = pool.withConnection(connection -> settled.countIfSettled(
                                connection,
                                "prepared-statements-test",
                                UUID.randomUUID().toString(),
                                UUID.randomUUID(),
                                "not-here",
                                caller,
                                UsageRecorder.outcome(true, "OK", 42, 7, 1_000),
                                OffsetDateTime.now(ZoneOffset.UTC))
                        .chain(() -> prepared(connection, "with inv as (select mode, status from %")))
                .await()
                .atMost(Duration.ofSeconds(10));

        assertEquals(1, kept);
    }

    @Test
    void aStatementJustBelowTheLimitStaysPrepared() {
        String padding = "x".repeat(StatementCachePool.SQL_LIMIT - 100);
        String sql = "select cast($1 as text) as prepared_statements_test /* " + padding + " */";

        long kept = pool.withConnection(connection -> connection
                        .preparedQuery(sql)
                        .execute(Tuple.of("a"))
                        .chain(() -> prepared(connection, "select cast($1 as text) as prepared_statements_test %")))
                .await()
                .atMost(Duration.ofSeconds(10));

        assertEquals(1, kept);
    }

    /** How many statements like {@code pattern} this connection holds prepared. */
    private static Uni<Long> prepared(SqlConnection connection, String pattern) {
        return connection
                .preparedQuery("select count(*) from pg_prepared_statements where statement like $1")
                .execute(Tuple.of(pattern))
                .map(rows -> rows.iterator().next().getLong(0));
    }
}
