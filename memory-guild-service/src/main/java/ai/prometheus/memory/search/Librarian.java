package ai.prometheus.memory.search;

import ai.prometheus.memory.config.MemoryConfig;
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
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * The Librarian of the Memory Guild: finds memories. Searches a context with what it inherits by
 * meaning (vectors), by words (Postgres full text) or both fused; plain reads are the memory
 * feature's {@code MemoryReader}.
 *
 * <p>A search is a pipeline of named steps that holds no thread while Postgres answers: the
 * request's checks ({@link Asked}), then two branches side by side: the query's vector, and the
 * scope with what the ranking reads from Postgres (the metadata filter, the index brought up to
 * date, the query's words parsed: {@link Gathered}) followed by the full-text candidates
 * ({@link Worded}); then the semantic scan and the fusion ({@link Ranked}), and the views of the
 * hits. Embedding the query, ranking words and scanning vectors is CPU work, so it never runs on
 * the event loop.
 *
 * <p>Size: ~450 lines because it is one search pipeline: the request's checks, the scope and
 * filter, the vector and full-text candidates (with the Postgres fallback) and their fusion share
 * one scope and criteria; move the full-text side ({@code lexical}, {@code anyWord}) to its own
 * class if it grows.
 */
@ApplicationScoped
public class Librarian {

    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
    private static final RankFusion.Candidates NO_CANDIDATES = RankFusion.Candidates.ofHits(List.of());

    private final Coordinator coordinator;
    private final MemoryRepository memories;
    private final SearchRepository searches;
    private final ParsedWords parsedWords;
    private final VectorIndex index;
    private final Embedder embedder;
    private final MemoryConfig config;

    public Librarian(
            Coordinator coordinator,
            MemoryRepository memories,
            SearchRepository searches,
            ParsedWords parsedWords,
            VectorIndex index,
            Embedder embedder,
            MemoryConfig config) {
        this.coordinator = coordinator;
        this.memories = memories;
        this.searches = searches;
        this.parsedWords = parsedWords;
        this.index = index;
        this.embedder = embedder;
        this.config = config;
    }

    // --- search -----------------------------------------------------------------------------

    /** A request that passed its checks, with its defaults applied. */
    private record Asked(
            SearchRequest request,
            RankFusion.Mode mode,
            Scope scope,
            int k,
            SearchCriteria criteria,
            String words,
            Optional<QueryDates.EventRelation> relation) {

        boolean semantic() {
            return mode != RankFusion.Mode.LEXICAL;
        }

        boolean lexical() {
            return mode != RankFusion.Mode.SEMANTIC && !words.isBlank();
        }
    }

    /** The request and the contexts it may search. */
    private record Scoped(Asked asked, ResolvedScope scope) {}

    /**
     * What Postgres answered for the ranking: the scope, its filter, the index's blocks brought up
     * to date, and the query's words parsed.
     */
    private record Gathered(
            Scoped scoped,
            VectorIndex.Filter filter,
            VectorIndex.Loaded loaded,
            Optional<String> parsed,
            Optional<String> parsedEvent) {}

    /** The gathered inputs with the full-text candidates ranked. */
    private record Worded(Gathered gathered, RankFusion.Candidates lexical) {}

    /** The fused hits, best first, and the blocks they were found in. */
    private record Ranked(Scoped scoped, VectorIndex.Loaded loaded, List<RankFusion.Fused> hits) {}

    /** The hits with their memories and neighbours. */
    private record Found(Ranked ranked, Map<UUID, MemoryView> views, Map<UUID, MemoryRepository.Neighbors> neighbors) {}

    /**
     * The query's vector depends on nothing Postgres answers, so a worker embeds it from the start
     * while Postgres resolves the scope and parses the words (once per distinct words: {@link ParsedWords}), and while the words are ranked; the
     * semantic scan and the fusion then run on whichever worker finishes last. Before, the
     * embedding (3.5 to 5 ms with e5) started only once the scope was known, and the ranking of
     * the words only once the vector was there: three steps in turn that now overlap. A request
     * refused for its context (404/403) may have embedded its query for nothing.
     */
    public Uni<SearchResponse> search(Viewer viewer, UUID contextId, SearchRequest request) {
        return Uni.createFrom()
                .item(() -> ask(request))
                // The embedding is handed to its worker before any query is sent to Postgres.
                .chain(asked -> Uni.combine()
                        .all()
                        .unis(vector(asked), byWords(viewer, contextId, asked))
                        .with((vector, worded) -> rank(worded, vector)))
                .chain(this::withMemories)
                .map(this::response);
    }

    private Asked ask(SearchRequest request) {
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
        return new Asked(
                request,
                mode,
                scope,
                k,
                SearchCriteria.of(filters),
                anyWord(request.query()),
                // A period counted from an event ("two days before the trip") needs the event's memory.
                QueryDates.relativeToEvent(request.query()));
    }

    private Uni<Scoped> scope(Viewer viewer, UUID contextId, Asked asked) {
        return coordinator
                .scope(viewer, contextId, asked.scope())
                .ifNoItem()
                .after(QUERY_TIMEOUT)
                .fail()
                .map(resolved -> new Scoped(asked, resolved));
    }

    /** The query's vector (semantic and hybrid modes), embedded on a worker. */
    private Uni<Optional<float[]>> vector(Asked asked) {
        if (!asked.semantic()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return Uni.createFrom()
                .item(() -> Optional.of(embedder.embedQuery(asked.request().query())))
                .runSubscriptionOn(worker());
    }

    /**
     * The scope, then its filter and blocks, while Postgres parses the query's words (they need no
     * scope); then the full-text candidates, ranked on a worker. Ends on a worker in every mode.
     */
    private Uni<Worded> byWords(Viewer viewer, UUID contextId, Asked asked) {
        Uni<Optional<String>> none = Uni.createFrom().item(Optional.empty());
        return Uni.combine()
                .all()
                .unis(
                        scope(viewer, contextId, asked).chain(this::gather),
                        asked.lexical() ? parseInTime(asked.words()) : none,
                        asked.relation()
                                .map(relation -> parseInTime(anyWord(relation.event())))
                                .orElse(none))
                .with((gathered, parsed, parsedEvent) ->
                        new Gathered(gathered.scoped(), gathered.filter(), gathered.loaded(), parsed, parsedEvent))
                // Ranking the words is CPU work: off the event loop, beside the embedding.
                .emitOn(worker())
                .chain(this::lexical);
    }

    /**
     * What the scope needs from Postgres: the metadata filter and the rows changed since the
     * index's copy, side by side (through the pool, not a session).
     */
    private Uni<Gathered> gather(Scoped scoped) {
        return Uni.combine()
                .all()
                .unis(
                        filter(scoped.scope(), scoped.asked().criteria()),
                        index.load(scoped.scope().entries()))
                .with((filter, loaded) -> new Gathered(scoped, filter, loaded, Optional.empty(), Optional.empty()));
    }

    private Uni<Optional<String>> parseInTime(String words) {
        return parse(words)
                .ifNoItem()
                .after(QUERY_TIMEOUT)
                .failWith(() -> new IllegalStateException("the full-text query did not answer within " + QUERY_TIMEOUT))
                .map(Optional::of);
    }

    /** The full-text candidates (none in semantic mode). */
    private Uni<Worded> lexical(Gathered gathered) {
        Asked asked = gathered.scoped().asked();
        if (!asked.lexical()) {
            return Uni.createFrom().item(new Worded(gathered, NO_CANDIDATES));
        }
        return lexical(
                        gathered.parsed().orElseThrow(),
                        asked.words(),
                        gathered.scoped().scope(),
                        asked.criteria(),
                        gathered.filter(),
                        gathered.loaded(),
                        candidates(asked))
                .map(words -> new Worded(gathered, words));
    }

    private int candidates(Asked asked) {
        return Math.max(50, asked.k() * config.search().candidateFactor());
    }

    /**
     * On a worker: the semantic candidates, fused with the full-text ones, recency and the query's
     * period.
     */
    private Ranked rank(Worded worded, Optional<float[]> vector) {
        Gathered gathered = worded.gathered();
        Asked asked = gathered.scoped().asked();
        int candidates = candidates(asked);
        RankFusion.Candidates semantic = vector.map(
                        query -> semantic(query, gathered.loaded(), gathered.filter(), candidates))
                .orElse(NO_CANDIDATES);
        RankFusion.Weights weights = new RankFusion.Weights(
                config.search().semanticWeight(),
                config.search().lexicalWeight(),
                config.search().recencyWeight(),
                config.search().recencyHalfLife().toMillis());
        Instant asOf = asked.request().asOf() == null
                ? Instant.now()
                : asked.request().asOf().toInstant();
        QueryDates.Period period = asked.relation()
                .flatMap(relation -> anchor(gathered.parsedEvent(), gathered.loaded(), gathered.filter())
                        .map(relation::around))
                .or(() -> QueryDates.in(asked.request().query(), asOf))
                .orElse(null);
        // Recency counts from the moment the query is asked as of, like its relative dates.
        return new Ranked(
                gathered.scoped(),
                gathered.loaded(),
                RankFusion.fuse(
                        asked.mode(), semantic, worded.lexical(), asked.k(), weights, asOf.toEpochMilli(), period));
    }

    /** The hits' memories and their neighbours (both through the pool, so side by side). */
    private Uni<Found> withMemories(Ranked ranked) {
        Asked asked = ranked.scoped().asked();
        List<UUID> hitIds = ranked.hits().stream().map(RankFusion.Fused::id).toList();
        // A hit's neighbours live in its own context, which is in the caller's scope like the hit.
        int neighborCount =
                asked.request().neighbors() == null ? 0 : asked.request().neighbors();
        return Uni.combine()
                .all()
                .unis(
                        views(ranked.loaded(), hitIds),
                        memories.neighbors(
                                        hitIds, neighborCount, asked.criteria().includeSuperseded())
                                .ifNoItem()
                                .after(QUERY_TIMEOUT)
                                .fail())
                .with((views, neighbors) -> new Found(ranked, views, neighbors));
    }

    /**
     * The hits' views: those the index's blocks hold at the version this search brought them to
     * (read by an earlier search, unchanged since, so as fresh as a read now), the rest read from
     * Postgres and kept for the next search. Reading them was a round trip after the ranking, on
     * the critical path of every search.
     */
    private Uni<Map<UUID, MemoryView>> views(VectorIndex.Loaded loaded, List<UUID> hitIds) {
        Map<UUID, MemoryView> cached = index.cachedViews(loaded, hitIds);
        if (cached.size() == hitIds.size()) {
            return Uni.createFrom().item(cached);
        }
        List<UUID> missing =
                hitIds.stream().filter(id -> !cached.containsKey(id)).toList();
        return memories.versionedViews(missing)
                .ifNoItem()
                .after(QUERY_TIMEOUT)
                .fail()
                .map(read -> {
                    index.keepViews(loaded, read);
                    Map<UUID, MemoryView> views = new HashMap<>(cached);
                    read.forEach((id, row) -> views.put(id, row.view()));
                    return views;
                });
    }

    private SearchResponse response(Found found) {
        Scoped scoped = found.ranked().scoped();
        Map<UUID, LineageEntry> contexts = new HashMap<>();
        scoped.scope().entries().forEach(entry -> contexts.put(entry.id(), entry));
        List<SearchResponse.Result> results =
                new ArrayList<>(found.ranked().hits().size());
        for (RankFusion.Fused hit : found.ranked().hits()) {
            MemoryView view = found.views().get(hit.id());
            LineageEntry entry = view == null ? null : contexts.get(view.contextId());
            if (entry == null) {
                continue; // deleted since the index last saw it
            }
            results.add(result(hit, view, entry, found.neighbors().get(hit.id())));
        }
        List<ContextView.Step> lineage = scoped.scope().lineage().visible().stream()
                .map(ContextView.Step::of)
                .toList();
        Asked asked = scoped.asked();
        return new SearchResponse(
                asked.request().query(),
                asked.mode().name().toLowerCase(Locale.ROOT),
                asked.scope().label(),
                lineage,
                results);
    }

    private static SearchResponse.Result result(
            RankFusion.Fused hit, MemoryView view, LineageEntry entry, MemoryRepository.Neighbors around) {
        return new SearchResponse.Result(
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
                                        .toList()));
    }

    /** The filters as the in-service index applies them; a metadata filter is resolved to ids by Postgres. */
    Uni<VectorIndex.Filter> filter(ResolvedScope scope, SearchCriteria criteria) {
        Uni<Set<UUID>> allowed = criteria.metadata() == null
                ? Uni.createFrom().nullItem()
                : searches.withMetadata(scope, criteria.metadata())
                        .ifNoItem()
                        .after(QUERY_TIMEOUT)
                        .fail();
        return allowed.map(ids -> new VectorIndex.Filter(
                criteria.includeSuperseded(),
                criteria.kinds(),
                criteria.after(),
                criteria.before(),
                criteria.occurredAfter(),
                criteria.occurredBefore(),
                ids));
    }

    private RankFusion.Candidates semantic(
            float[] vector, VectorIndex.Loaded scope, VectorIndex.Filter filter, int candidates) {
        VectorIndex.Scan<VectorIndex.Hit> scan = index.search(scope, vector, filter, candidates);
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
    private Optional<Instant> anchor(
            Optional<String> parsedEvent, VectorIndex.Loaded scope, VectorIndex.Filter filter) {
        return parsedEvent
                .flatMap(TextSearch::parseQuery)
                .map(query -> index.searchText(query, scope, filter, 1).hits())
                .filter(hits -> !hits.isEmpty())
                .map(hits -> Instant.ofEpochMilli(hits.get(0).occurredAtMillis()));
    }

    /** The query as Postgres parses and stems it ({@code tsquery} text), for {@link TextSearch}. */
    Uni<String> parse(String words) {
        return parsedWords.parse(words);
    }

    /**
     * Full-text matches: ranked by BM25 on the index's cached lexemes when the parsed query is one
     * {@link TextSearch} evaluates exactly (every query {@link #anyWord} writes), on the calling
     * thread (a worker: it is CPU work), otherwise by Postgres itself with {@code ts_rank}.
     */
    Uni<RankFusion.Candidates> lexical(
            String parsed,
            String words,
            ResolvedScope scope,
            SearchCriteria criteria,
            VectorIndex.Filter filter,
            VectorIndex.Loaded loaded,
            int candidates) {
        Optional<TextSearch.Query> query = TextSearch.parseQuery(parsed);
        if (query.isEmpty()) {
            return lexicalInPostgres(words, scope, criteria, candidates)
                    .ifNoItem()
                    .after(QUERY_TIMEOUT)
                    .fail()
                    .emitOn(worker())
                    .map(RankFusion.Candidates::ofHits);
        }
        return Uni.createFrom().item(() -> {
            VectorIndex.Scan<VectorIndex.TextHit> scan = index.searchText(query.get(), loaded, filter, candidates);
            List<RankFusion.Ranked> ranked = new ArrayList<>();
            for (VectorIndex.TextHit hit : scan.hits()) {
                ranked.add(new RankFusion.Ranked(hit.memoryId(), hit.rank(), hit.occurredAtMillis()));
            }
            // A memory without the query's words scores 0.
            return RankFusion.Candidates.ofScope(ranked, scan.scored(), scan.sum(), scan.sumOfSquares(), 0);
        });
    }

    /** The full-text search done entirely by Postgres: the fallback, and the reference the tests compare with. */
    Uni<List<RankFusion.Ranked>> lexicalInPostgres(
            String words, ResolvedScope scope, SearchCriteria criteria, int candidates) {
        return searches.rankedByWords(words, scope, criteria, candidates);
    }

    /** Quarkus' worker pool, for the CPU-bound steps. */
    private static Executor worker() {
        return Infrastructure.getDefaultWorkerPool();
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
}
