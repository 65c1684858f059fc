package ai.prometheus.memory.search;

import ai.prometheus.memory.config.Sql;
import ai.prometheus.memory.context.ResolvedScope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The search's questions that Postgres answers rather than the in-service index: a query's words
 * parsed and stemmed as a {@code tsquery}, the memories a metadata filter admits, and full-text
 * ranking done entirely in SQL (the fallback for queries {@link TextSearch} cannot evaluate, and
 * the reference the tests compare the index with). Read through the pool, outside any session, so
 * a search runs them beside each other.
 */
@ApplicationScoped
public class SearchRepository {

    private static final String PARSE_QUERY = "select websearch_to_tsquery('english', $1)::text";

    private final Pool pool;
    private final String lexicalQuery;
    private final String metadataQuery;

    public SearchRepository(Pool pool, Sql sql) {
        this.pool = pool;
        // The scope is given as an array (not joined from unnest) so the planner can combine the
        // full-text GIN index with the context index. ts_rank (length-normalized, scaled to 0..1)
        // rather than ts_rank_cd: every match in scope is ranked, and it was measured 4x cheaper.
        // The query is parsed once (materialized): inlined, a generic plan of this prepared
        // statement re-parsed it for every row it rechecked and ranked (3x slower at 2,000 hits).
        this.lexicalQuery = sql.of("""
                with q(query) as materialized (select websearch_to_tsquery('english', $3)),
                     hits as (
                        select m.id, m.key, m.occurred_at, ts_rank(m.search_vector, q.query, 33) as rank,
                               ($2::int[])[array_position($1::uuid[], m.context_id)] as depth
                          from {schema}.memories m, q
                         where m.context_id = any($1::uuid[]) and m.search_vector @@ q.query
                           and ($4::boolean or m.superseded_at is null)
                           and ($5::text[] is null or m.kind = any($5::text[]))
                           and ($6::text is null or m.metadata @> $6::text::jsonb)
                           and ($7::timestamptz is null or m.created_at >= $7::timestamptz)
                           and ($8::timestamptz is null or m.created_at < $8::timestamptz)
                           and ($10::timestamptz is null or m.occurred_at >= $10::timestamptz)
                           and ($11::timestamptz is null or m.occurred_at < $11::timestamptz))
                select h.id, h.occurred_at, h.rank from hits h
                 where ($4::boolean or h.key is null or h.depth is null or not exists (
                        select 1 from {schema}.memories m2
                         where m2.context_id = any($1::uuid[]) and m2.key = h.key and m2.superseded_at is null
                           and ($2::int[])[array_position($1::uuid[], m2.context_id)] < h.depth))
                 order by h.rank desc, h.occurred_at desc, h.id
                 limit $9
                """);
        this.metadataQuery = sql.of("select m.id from {schema}.memories m"
                + " where m.context_id = any($1::uuid[]) and m.metadata @> $2::text::jsonb");
    }

    /** The words as Postgres parses and stems them ({@code tsquery} text). */
    Uni<String> parse(String words) {
        return pool.preparedQuery(PARSE_QUERY)
                .execute(Tuple.of(words))
                .map(rows -> rows.iterator().next().getString(0));
    }

    /** The memories in scope whose metadata contains {@code metadata} (a JSON object, as text). */
    Uni<Set<UUID>> withMetadata(ResolvedScope scope, String metadata) {
        return pool.preparedQuery(metadataQuery)
                .execute(Tuple.of(scope.contextIds(), metadata))
                .map(rows -> {
                    Set<UUID> ids = new HashSet<>();
                    rows.forEach(row -> ids.add(row.getUUID("id")));
                    return ids;
                });
    }

    /** The best {@code limit} full-text matches of {@code words} in scope, ranked by Postgres's {@code ts_rank}. */
    Uni<List<RankFusion.Ranked>> rankedByWords(String words, ResolvedScope scope, SearchCriteria criteria, int limit) {
        return pool.preparedQuery(lexicalQuery)
                .execute(Tuple.from(new Object[] {
                    scope.contextIds(),
                    scope.depths(),
                    words,
                    criteria.includeSuperseded(),
                    criteria.kinds() == null ? null : criteria.kinds().toArray(String[]::new),
                    criteria.metadata(),
                    criteria.afterTime(),
                    criteria.beforeTime(),
                    limit,
                    criteria.occurredAfterTime(),
                    criteria.occurredBeforeTime()
                }))
                .map(rows -> {
                    List<RankFusion.Ranked> ranked = new ArrayList<>();
                    for (Row row : rows) {
                        ranked.add(new RankFusion.Ranked(
                                row.getUUID("id"),
                                row.getFloat("rank"),
                                row.getOffsetDateTime("occurred_at").toInstant().toEpochMilli()));
                    }
                    return ranked;
                });
    }
}
