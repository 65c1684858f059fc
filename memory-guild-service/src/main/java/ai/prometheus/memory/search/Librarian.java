package ai.prometheus.memory.search;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.config.Sql;
import ai.prometheus.memory.context.ContextView;
import ai.prometheus.memory.context.Coordinator;
import ai.prometheus.memory.context.LineageEntry;
import ai.prometheus.memory.context.ResolvedScope;
import ai.prometheus.memory.context.Scope;
import ai.prometheus.memory.context.Viewer;
import ai.prometheus.memory.embedding.Embedder;
import ai.prometheus.memory.memory.MemoryRepository;
import ai.prometheus.memory.memory.MemoryView;
import ai.prometheus.shared.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The Librarian of the Memory Guild: finds memories. Searches a context with what it inherits by
 * meaning (vectors), by words (Postgres full text) or both fused; plain reads are the memory
 * feature's {@code MemoryReader}.
 *
 * <p>Size: ~410 lines because it is one search pipeline: the request's checks, the scope and
 * filter, the vector and full-text candidates (with the Postgres fallback) and their fusion share
 * one scope and criteria; move the full-text side ({@code parse}, {@code lexical}, {@code anyWord})
 * to its own class if it grows.
 */
@ApplicationScoped
public class Librarian {

    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
    private static final String PARSE_QUERY = "select websearch_to_tsquery('english', $1)::text";

    private final Coordinator coordinator;
    private final MemoryRepository memories;
    private final VectorIndex index;
    private final Embedder embedder;
    private final Pool pool;
    private final MemoryConfig config;
    private final String lexicalQuery;
    private final String metadataQuery;

    public Librarian(
            Coordinator coordinator,
            MemoryRepository memories,
            VectorIndex index,
            Embedder embedder,
            Pool pool,
            Sql sql,
            MemoryConfig config) {
        this.coordinator = coordinator;
        this.memories = memories;
        this.index = index;
        this.embedder = embedder;
        this.pool = pool;
        this.config = config;
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

    // --- search -----------------------------------------------------------------------------

    /** Searches off the event loop: embedding the query and scanning vectors is CPU work. */
    public Uni<SearchResponse> search(Viewer viewer, UUID contextId, SearchRequest request) {
        return Uni.createFrom()
                .item(() -> searchBlocking(viewer, contextId, request))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    SearchResponse searchBlocking(Viewer viewer, UUID contextId, SearchRequest request) {
        RankFusion.Mode mode = request.mode() == null
                ? RankFusion.Mode.HYBRID
                : RankFusion.Mode.valueOf(request.mode().toUpperCase(Locale.ROOT));
        Scope scope = Scope.parse("scope", request.scope(), Scope.LINEAGE);
        int k = request.k() == null ? config.search().defaultK() : request.k();
        if (k > config.search().maxK()) {
            throw ProblemException.invalidField(
                    "k", "must be at most " + config.search().maxK());
        }
        SearchRequest.Filters filters = request.filters() == null
                ? new SearchRequest.Filters(null, null, null, null, null, null, null, null)
                : request.filters();
        if (filters.metadata() != null
                && !filters.metadata().isNull()
                && !filters.metadata().isObject()) {
            throw ProblemException.invalidField("filters.metadata", "must be a JSON object");
        }
        ResolvedScope resolved =
                coordinator.scope(viewer, contextId, scope).await().atMost(QUERY_TIMEOUT);
        Criteria criteria = Criteria.of(filters);
        int candidates = Math.max(50, k * config.search().candidateFactor());

        // Postgres parses the full-text query while this thread embeds the query and scans vectors.
        String words = anyWord(request.query());
        java.util.concurrent.CompletableFuture<String> parsed = mode == RankFusion.Mode.SEMANTIC || words.isBlank()
                ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : parse(words).subscribeAsCompletionStage();
        // A period counted from an event ("two days before the trip") needs the event's memory.
        java.util.Optional<QueryDates.EventRelation> relation = QueryDates.relativeToEvent(request.query());
        java.util.concurrent.CompletableFuture<String> parsedEvent = relation.isEmpty()
                ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : parse(anyWord(relation.get().event())).subscribeAsCompletionStage();
        VectorIndex.Filter filter = filter(resolved, criteria);
        RankFusion.Candidates none = RankFusion.Candidates.ofHits(List.of());
        RankFusion.Candidates semantic =
                mode == RankFusion.Mode.LEXICAL ? none : semantic(request.query(), resolved, filter, candidates);
        RankFusion.Candidates lexical = mode == RankFusion.Mode.SEMANTIC || words.isBlank()
                ? none
                : lexical(await(parsed), words, resolved, criteria, filter, candidates);
        RankFusion.Weights weights = new RankFusion.Weights(
                config.search().semanticWeight(),
                config.search().lexicalWeight(),
                config.search().recencyWeight(),
                config.search().recencyHalfLife().toMillis());
        java.time.Instant asOf = request.asOf() == null
                ? java.time.Instant.now()
                : request.asOf().toInstant();
        QueryDates.Period period = relation.flatMap(
                        r -> anchor(await(parsedEvent), resolved, filter).map(r::around))
                .or(() -> QueryDates.in(request.query(), asOf))
                .orElse(null);
        List<RankFusion.Fused> fused =
                RankFusion.fuse(mode, semantic, lexical, k, weights, System.currentTimeMillis(), period);

        List<UUID> hitIds = fused.stream().map(RankFusion.Fused::id).toList();
        Map<UUID, MemoryView> views = memories.views(hitIds).await().atMost(QUERY_TIMEOUT);
        // A hit's neighbours live in its own context, which is in the caller's scope like the hit.
        int neighborCount = request.neighbors() == null ? 0 : request.neighbors();
        Map<UUID, MemoryRepository.Neighbors> neighbors = memories.neighbors(
                        hitIds, neighborCount, criteria.includeSuperseded())
                .await()
                .atMost(QUERY_TIMEOUT);
        Map<UUID, LineageEntry> contexts = new HashMap<>();
        resolved.entries().forEach(entry -> contexts.put(entry.id(), entry));
        List<SearchResponse.Result> results = new ArrayList<>(fused.size());
        for (RankFusion.Fused hit : fused) {
            MemoryView view = views.get(hit.id());
            LineageEntry entry = view == null ? null : contexts.get(view.contextId());
            if (entry == null) {
                continue; // deleted since the index last saw it
            }
            MemoryRepository.Neighbors around = neighbors.get(hit.id());
            results.add(new SearchResponse.Result(
                    view.withDepth(entry.depth()),
                    view.contextId(),
                    entry.depth(),
                    entry.depth() == null,
                    new SearchResponse.Score(
                            hit.fused(),
                            hit.semanticRank(),
                            hit.similarity(),
                            hit.lexicalRank(),
                            hit.lexicalScore(),
                            hit.recency()),
                    around == null
                            ? null
                            : new SearchResponse.Neighbors(
                                    around.before().stream()
                                            .map(m -> m.withDepth(entry.depth()))
                                            .toList(),
                                    around.after().stream()
                                            .map(m -> m.withDepth(entry.depth()))
                                            .toList())));
        }
        List<ContextView.Step> lineage =
                resolved.lineage().visible().stream().map(ContextView.Step::of).toList();
        return new SearchResponse(
                request.query(), mode.name().toLowerCase(Locale.ROOT), scope.label(), lineage, results);
    }

    /** The filters as the in-service index applies them; a metadata filter is resolved to ids by Postgres. */
    VectorIndex.Filter filter(ResolvedScope scope, Criteria criteria) {
        Set<UUID> allowed = null;
        if (criteria.metadata() != null) {
            allowed = new HashSet<>();
            for (Row row : pool.preparedQuery(metadataQuery)
                    .execute(Tuple.of(scope.contextIds(), criteria.metadata()))
                    .await()
                    .atMost(QUERY_TIMEOUT)) {
                allowed.add(row.getUUID("id"));
            }
        }
        return new VectorIndex.Filter(
                criteria.includeSuperseded(),
                criteria.kinds(),
                criteria.after(),
                criteria.before(),
                criteria.occurredAfter(),
                criteria.occurredBefore(),
                allowed);
    }

    private RankFusion.Candidates semantic(
            String query, ResolvedScope scope, VectorIndex.Filter filter, int candidates) {
        float[] vector = embedder.embedQuery(query);
        VectorIndex.Scan<VectorIndex.Hit> scan = index.search(vector, scope.entries(), filter, candidates);
        List<RankFusion.Ranked> ranked = new ArrayList<>();
        double lowest = 0;
        for (VectorIndex.Hit hit : scan.hits()) {
            ranked.add(new RankFusion.Ranked(hit.memoryId(), hit.similarity(), hit.occurredAtMillis()));
            lowest = hit.similarity();
        }
        // A memory outside the candidates is at most as similar as the last of them.
        return RankFusion.Candidates.ofScope(ranked, scan.scored(), scan.sum(), scan.sumOfSquares(), lowest);
    }

    /**
     * When the event a query counts from happened: the {@code occurredAt} of the memory in scope
     * that matches the event's words best (BM25; the newest on a tie), if any matches.
     */
    private java.util.Optional<java.time.Instant> anchor(
            String parsedEvent, ResolvedScope scope, VectorIndex.Filter filter) {
        return java.util.Optional.ofNullable(parsedEvent)
                .flatMap(TextSearch::parseQuery)
                .map(query ->
                        index.searchText(query, scope.entries(), filter, 1).hits())
                .filter(hits -> !hits.isEmpty())
                .map(hits -> java.time.Instant.ofEpochMilli(hits.get(0).occurredAtMillis()));
    }

    /** The query as Postgres parses and stems it ({@code tsquery} text), for {@link TextSearch}. */
    Uni<String> parse(String words) {
        return pool.preparedQuery(PARSE_QUERY)
                .execute(Tuple.of(words))
                .map(rows -> rows.iterator().next().getString(0));
    }

    /**
     * Full-text matches: ranked by BM25 on the index's cached lexemes when the parsed query is one
     * {@link TextSearch} evaluates exactly (every query {@link #anyWord} writes), otherwise by
     * Postgres itself with {@code ts_rank}.
     */
    RankFusion.Candidates lexical(
            String parsed,
            String words,
            ResolvedScope scope,
            Criteria criteria,
            VectorIndex.Filter filter,
            int candidates) {
        java.util.Optional<TextSearch.Query> query = TextSearch.parseQuery(parsed);
        if (query.isEmpty()) {
            return RankFusion.Candidates.ofHits(lexicalInPostgres(words, scope, criteria, candidates)
                    .await()
                    .atMost(QUERY_TIMEOUT));
        }
        VectorIndex.Scan<VectorIndex.TextHit> scan = index.searchText(query.get(), scope.entries(), filter, candidates);
        List<RankFusion.Ranked> ranked = new ArrayList<>();
        for (VectorIndex.TextHit hit : scan.hits()) {
            ranked.add(new RankFusion.Ranked(hit.memoryId(), hit.rank(), hit.occurredAtMillis()));
        }
        // A memory without the query's words scores 0.
        return RankFusion.Candidates.ofScope(ranked, scan.scored(), scan.sum(), scan.sumOfSquares(), 0);
    }

    /** The full-text search done entirely by Postgres: the fallback, and the reference the tests compare with. */
    Uni<List<RankFusion.Ranked>> lexicalInPostgres(
            String words, ResolvedScope scope, Criteria criteria, int candidates) {
        return pool.preparedQuery(lexicalQuery)
                .execute(criteria.tuple(scope, words, candidates))
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

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(QUERY_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while searching", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the full-text query did not answer within " + QUERY_TIMEOUT, e);
        }
    }

    /**
     * The query as a web-search expression matching any of its words (a memory need not contain
     * all of them; ranking favours those that contain more). Words keep their inner punctuation,
     * so an identifier such as {@code INV-2024-0042} still matches as a phrase of its parts.
     */
    static String anyWord(String query) {
        Set<String> words = new LinkedHashSet<>();
        for (String token : query.split("\\s+")) {
            String word =
                    token.replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "").replace("\"", "");
            if (!word.isEmpty() && !word.equalsIgnoreCase("or")) {
                words.add(word);
            }
        }
        return String.join(" or ", words);
    }

    /** The filters of a search, in the form both the index and SQL take them. */
    record Criteria(
            boolean includeSuperseded,
            Set<String> kinds,
            String metadata,
            Long after,
            Long before,
            OffsetDateTime afterTime,
            OffsetDateTime beforeTime,
            Long occurredAfter,
            Long occurredBefore,
            OffsetDateTime occurredAfterTime,
            OffsetDateTime occurredBeforeTime) {

        static Criteria of(SearchRequest.Filters filters) {
            Set<String> kinds = null;
            if (filters.kind() != null
                    || (filters.kinds() != null && !filters.kinds().isEmpty())) {
                kinds = new HashSet<>();
                if (filters.kind() != null) {
                    kinds.add(filters.kind());
                }
                if (filters.kinds() != null) {
                    kinds.addAll(filters.kinds());
                }
            }
            String metadata = filters.metadata() == null
                            || filters.metadata().isNull()
                            || filters.metadata().isEmpty()
                    ? null
                    : filters.metadata().toString();
            return new Criteria(
                    Boolean.TRUE.equals(filters.includeSuperseded()),
                    kinds,
                    metadata,
                    filters.createdAfter() == null
                            ? null
                            : filters.createdAfter().toInstant().toEpochMilli(),
                    filters.createdBefore() == null
                            ? null
                            : filters.createdBefore().toInstant().toEpochMilli(),
                    filters.createdAfter(),
                    filters.createdBefore(),
                    filters.occurredAfter() == null
                            ? null
                            : filters.occurredAfter().toInstant().toEpochMilli(),
                    filters.occurredBefore() == null
                            ? null
                            : filters.occurredBefore().toInstant().toEpochMilli(),
                    filters.occurredAfter(),
                    filters.occurredBefore());
        }

        Tuple tuple(ResolvedScope scope, String query, int limit) {
            return Tuple.from(new Object[] {
                scope.contextIds(),
                scope.depths(),
                query,
                includeSuperseded,
                kinds == null ? null : kinds.toArray(String[]::new),
                metadata,
                afterTime,
                beforeTime,
                limit,
                occurredAfterTime,
                occurredBeforeTime
            });
        }
    }
}
