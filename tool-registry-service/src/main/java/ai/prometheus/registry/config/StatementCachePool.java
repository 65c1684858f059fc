package ai.prometheus.registry.config;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The reactive pool as Quarkus configures it, with one change: statements up to
 * {@value #SQL_LIMIT} characters stay prepared on their connection. The SQL client keeps only
 * statements shorter than 2,048 characters by default, and longer ones are prepared afresh on every
 * execution (parse, describe, plan; an unnamed statement). The statement that counts each
 * synchronous invocation's own result event into usage ({@code invocation/SettledResultRepository},
 * two upserts composed into one) is 2,771 characters, so PostgreSQL's log showed it parsed once
 * per invocation. Quarkus 3.33 has no property for the limit; this is its hook for the pool.
 */
@Singleton
public class StatementCachePool implements PgPoolCreator {

    /** Several times the longest statement the registry sends; the cache still holds at most 256 per connection. */
    public static final int SQL_LIMIT = 16_384;

    @Override
    public Pool create(Input input) {
        List<PgConnectOptions> options = input.pgConnectOptionsList();
        options.forEach(option -> option.setPreparedStatementCacheSqlLimit(SQL_LIMIT));
        return PgBuilder.pool()
                .connectingTo(List.<SqlConnectOptions>copyOf(options))
                .with(input.poolOptions())
                .using(input.vertx())
                .build();
    }
}
