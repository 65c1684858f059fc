package ai.prometheus.memory.search;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.config.Sql;
import ai.prometheus.memory.context.LineageEntry;
import ai.prometheus.memory.embedding.Embedder;
import ai.prometheus.memory.embedding.Vectors;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vector index, kept in the service because pgvector is not available: per context, a cached
 * matrix of unit vectors, scanned exactly (a dot product with every vector in scope), so recall
 * is that of exact search by construction. Beside the vectors it keeps each memory's stored
 * tsvector, so full-text matching and ranking ({@link TextSearch}) read the same fresh copy.
 *
 * <p>Postgres is the source of truth and every replica stays correct on its own: each search
 * reads the version and epoch of every context in scope (in the same query that checks access)
 * and, before scanning, loads the rows changed since its cached version, or the whole context
 * when its epoch moved (memories were removed). Nothing has to be broadcast between replicas.
 *
 * <p>Size: ~440 lines because the cache and its scan are one consistency rule: a search reads the
 * versions and epochs, refreshes the blocks it will scan and scans them under one filter, so the
 * freshness argument reads in one place; move {@link TopHits} and the scan loop out if the scan
 * grows.
 */
@ApplicationScoped
public class VectorIndex {

    private final ConcurrentHashMap<UUID, ContextBlock> blocks = new ConcurrentHashMap<>();
    private final Pool pool;
    private final MemoryConfig config;
    private final Embedder embedder;
    private final String changedRows;
    private final String contextStates;
    /** Contexts the warmer has loaded once: one evicted for space is not loaded again until searched. */
    private final Set<UUID> warmed = ConcurrentHashMap.newKeySet();

    public VectorIndex(Pool pool, Sql sql, MemoryConfig config, Embedder embedder) {
        this.pool = pool;
        this.embedder = embedder;
        this.config = config;
        this.changedRows = sql.of("""
                select id, key, kind, created_at, occurred_at, superseded_at is null as current, embedding, embedding_model, change_version,
                       search_vector::text as lexemes
                  from {schema}.memories
                 where context_id = $1 and change_version > $2""");
        // Most active first, so the warm-up after a start reaches the busiest contexts soonest.
        this.contextStates = sql.of("select id, memory_version, reload_epoch from {schema}.memory_contexts"
                + " order by memory_version desc");
    }

    /** What a semantic search may return. {@code allowedIds} null means any id. */
    public record Filter(
            boolean includeSuperseded,
            Set<String> kinds,
            Long createdAfterMillis,
            Long createdBeforeMillis,
            Long occurredAfterMillis,
            Long occurredBeforeMillis,
            Set<UUID> allowedIds) {}

    /** A full-text hit and its BM25 score. */
    public record TextHit(UUID memoryId, float rank, long occurredAtMillis) {}

    /** The best hits of a scan and the moments of every score it computed (for standardising). */
    public record Scan<T>(List<T> hits, long scored, double sum, double sumOfSquares) {}

    /** Running moments of the scores of one scan. */
    private static final class Moments {
        long count;
        double sum;
        double sumOfSquares;

        void add(double score) {
            count++;
            sum += score;
            sumOfSquares += score * score;
        }
    }

    /** A vector hit; depth null for a context reached through a share. */
    public record Hit(UUID memoryId, UUID contextId, Integer depth, float similarity, long occurredAtMillis) {}

    /**
     * The {@code n} memories most similar to {@code query} (a unit vector) in the given contexts,
     * best first. Blocks until stale contexts are refreshed: call it off the event loop.
     */
    public Scan<Hit> search(float[] query, List<LineageEntry> scope, Filter filter, int n) {
        TopHits top = new TopHits(n);
        Moments moments = new Moments();
        scanInScope(
                scope,
                filter,
                (block, entry, shadowed) -> scan(block, entry.depth(), query, filter, shadowed, top, moments));
        return new Scan<>(top.sorted(), moments.count, moments.sum, moments.sumOfSquares);
    }

    /**
     * The {@code n} best full-text matches of {@code query} in the given contexts by BM25 over the
     * scope (the statistics count every memory in it), then newest, then id (in Postgres's byte
     * order of uuids).
     */
    Scan<TextHit> searchText(TextSearch.Query query, List<LineageEntry> scope, Filter filter, int n) {
        List<TextHit> matches = new ArrayList<>();
        if (query.lexemes().isEmpty()) {
            return new Scan<>(matches, 0, 0, 0);
        }
        TextSearch.Statistics statistics = new TextSearch.Statistics(query);
        List<TextSearch.Document> matched = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        List<Long> created = new ArrayList<>();
        scanInScope(scope, filter, (block, entry, shadowed) -> {
            for (int slot = 0; slot < block.size; slot++) {
                if (block.documents[slot] != null) {
                    statistics.countDocument(block.documents[slot]);
                }
            }
            // Without negation only memories holding a query lexeme can match: visit those alone.
            BitSet slots = new BitSet(block.size);
            if (query.needsALexeme()) {
                block.candidates(query.lexemes(), slots);
            } else {
                slots.set(0, block.size);
            }
            for (int slot = slots.nextSetBit(0); slot >= 0 && slot < block.size; slot = slots.nextSetBit(slot + 1)) {
                TextSearch.Document document = block.documents[slot];
                if (document == null) {
                    continue;
                }
                statistics.countLexemes(document);
                if (!excluded(block, slot, filter, shadowed) && query.matches(document)) {
                    matched.add(document);
                    ids.add(block.ids[slot]);
                    created.add(block.occurredAtMillis[slot]);
                }
            }
        });
        Moments moments = new Moments();
        for (int i = 0; i < matched.size(); i++) {
            float score = (float) query.bm25(matched.get(i), statistics);
            moments.add(score);
            matches.add(new TextHit(ids.get(i), score, created.get(i)));
        }
        matches.sort(Comparator.comparingDouble((TextHit hit) -> hit.rank())
                .reversed()
                .thenComparing(
                        Comparator.comparingLong(TextHit::occurredAtMillis).reversed())
                .thenComparing(TextHit::memoryId, VectorIndex::comparePostgresUuids));
        // Every memory in scope that does not match scores 0: part of the distribution too.
        return new Scan<>(
                matches.size() > n ? new ArrayList<>(matches.subList(0, n)) : matches,
                statistics.documents(),
                moments.sum,
                moments.sumOfSquares);
    }

    /** One context's part of a search: its block (read-locked) and the keys nearer contexts shadow. */
    @FunctionalInterface
    private interface BlockScan {
        void scan(ContextBlock block, LineageEntry entry, Set<String> shadowed);
    }

    /**
     * Brings every context in scope up to date, then hands each block to {@code scan} nearest
     * first, with the keys that contexts nearer in the lineage hold (they shadow the same keys
     * further up unless superseded memories are wanted too).
     */
    private void scanInScope(List<LineageEntry> scope, Filter filter, BlockScan scan) {
        List<ContextBlock> blocks = new ArrayList<>(scope.size());
        for (LineageEntry entry : scope) {
            blocks.add(refresh(entry));
        }
        evictBeyondCapacity(blocks);
        Set<String> nearerKeys = new HashSet<>();
        for (int b = 0; b < blocks.size(); b++) {
            ContextBlock block = blocks.get(b);
            LineageEntry entry = scope.get(b);
            boolean shadowing = !filter.includeSuperseded() && entry.depth() != null;
            block.lock.readLock().lock();
            try {
                scan.scan(block, entry, shadowing ? nearerKeys : Set.of());
                if (shadowing) {
                    nearerKeys.addAll(block.currentKeys());
                }
            } finally {
                block.lock.readLock().unlock();
            }
        }
    }

    /** Postgres orders uuids by their bytes, unsigned; {@link UUID#compareTo} compares signed halves. */
    static int comparePostgresUuids(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    /** Whether the filters (and a nearer context's key) leave this memory out of a search. */
    private static boolean excluded(ContextBlock block, int slot, Filter filter, Set<String> shadowed) {
        return (!filter.includeSuperseded() && !block.current[slot])
                || (filter.kinds() != null && !filter.kinds().contains(block.kinds[slot]))
                || (filter.createdAfterMillis() != null && block.createdAtMillis[slot] < filter.createdAfterMillis())
                || (filter.createdBeforeMillis() != null && block.createdAtMillis[slot] >= filter.createdBeforeMillis())
                || (filter.occurredAfterMillis() != null && block.occurredAtMillis[slot] < filter.occurredAfterMillis())
                || (filter.occurredBeforeMillis() != null
                        && block.occurredAtMillis[slot] >= filter.occurredBeforeMillis())
                || (block.keys[slot] != null && shadowed.contains(block.keys[slot]))
                || (filter.allowedIds() != null && !filter.allowedIds().contains(block.ids[slot]));
    }

    private static void scan(
            ContextBlock block,
            Integer depth,
            float[] query,
            Filter filter,
            Set<String> shadowed,
            TopHits top,
            Moments moments) {
        int dimensions = block.dimensions;
        for (int slot = 0; slot < block.size; slot++) {
            if (!block.hasVector[slot] || excluded(block, slot, filter, shadowed)) {
                continue;
            }
            float similarity = Vectors.dot(query, block.vectors, slot * dimensions);
            moments.add(similarity);
            if (top.accepts(similarity)) {
                top.add(
                        similarity,
                        new Hit(block.ids[slot], block.contextId, depth, similarity, block.occurredAtMillis[slot]));
            }
        }
    }

    /**
     * Keeps the index warm, so that the first search of a context finds it loaded and reads only
     * what changed since (a full load of 12,000 memories took 230 ms at p95, ten times a search):
     * loads every context not yet cached while the index has room, brings the cached ones up to
     * the version Postgres holds, and drops contexts that no longer exist. Searches still check
     * each context's version and epoch themselves, so a search never depends on this having run.
     *
     * @return how many contexts were loaded or refreshed
     */
    public int warm() {
        Set<UUID> existing = new HashSet<>();
        int refreshed = 0;
        for (Row row : pool.preparedQuery(contextStates).execute().await().atMost(Duration.ofMinutes(1))) {
            UUID id = row.getUUID("id");
            long version = row.getLong("memory_version");
            long epoch = row.getLong("reload_epoch");
            existing.add(id);
            ContextBlock block = blocks.get(id);
            if (block == null) {
                if (warmed.contains(id) || cachedMemories() >= config.index().maxCachedVectors()) {
                    continue;
                }
            } else if (block.epoch == epoch && block.version >= version) {
                continue;
            }
            warmed.add(id);
            refresh(id, version, epoch, false);
            refreshed++;
        }
        blocks.keySet().removeIf(id -> !existing.contains(id));
        warmed.retainAll(existing);
        evictBeyondCapacity(List.of());
        return refreshed;
    }

    /** Brings the cached copy of one context up to the version the caller just read from Postgres. */
    ContextBlock refresh(LineageEntry entry) {
        return refresh(entry.id(), entry.memoryVersion(), entry.reloadEpoch(), true);
    }

    private ContextBlock refresh(UUID contextId, long memoryVersion, long reloadEpoch, boolean searched) {
        ContextBlock block = blocks.computeIfAbsent(contextId, id -> new ContextBlock(id, Embedder.DIMENSIONS));
        if (searched) {
            block.lastUsedNanos = System.nanoTime();
        }
        if (block.epoch == reloadEpoch && block.version >= memoryVersion) {
            return block;
        }
        block.lock.writeLock().lock();
        try {
            if (block.epoch == reloadEpoch && block.version >= memoryVersion) {
                return block;
            }
            boolean rebuild = block.epoch != reloadEpoch;
            long since = rebuild ? -1 : block.version;
            if (rebuild) {
                block.clear();
            }
            long seen = memoryVersion;
            for (Row row : pool.preparedQuery(changedRows)
                    .execute(Tuple.of(contextId, since))
                    .await()
                    .atMost(Duration.ofMinutes(2))) {
                var bytes = row.getBuffer("embedding");
                // Vectors of another model (before a switch finished re-embedding) are left out of
                // semantic search; the memory is still found by words until its new vector arrives.
                boolean usable = bytes != null && embedder.modelId().equals(row.getString("embedding_model"));
                block.upsert(
                        row.getUUID("id"),
                        row.getString("key"),
                        row.getString("kind"),
                        row.getOffsetDateTime("created_at").toInstant().toEpochMilli(),
                        row.getOffsetDateTime("occurred_at").toInstant().toEpochMilli(),
                        row.getBoolean("current"),
                        usable ? Vectors.fromBytes(bytes.getBytes()) : null,
                        TextSearch.parseVector(row.getString("lexemes")));
                seen = Math.max(seen, row.getLong("change_version"));
            }
            // Versions of one context commit in order, so every change up to the highest one seen is loaded.
            block.version = seen;
            block.epoch = reloadEpoch;
            return block;
        } finally {
            block.lock.writeLock().unlock();
        }
    }

    // Least recently searched contexts leave first; the ones of the current search stay.
    private void evictBeyondCapacity(List<ContextBlock> inUse) {
        long total = blocks.values().stream().mapToLong(ContextBlock::size).sum();
        if (total <= config.index().maxCachedVectors()) {
            return;
        }
        Set<UUID> keep = new HashSet<>();
        inUse.forEach(block -> keep.add(block.contextId));
        List<ContextBlock> candidates = blocks.values().stream()
                .filter(block -> !keep.contains(block.contextId))
                .sorted(Comparator.comparingLong(block -> block.lastUsedNanos))
                .toList();
        for (ContextBlock block : candidates) {
            if (total <= config.index().maxCachedVectors()) {
                break;
            }
            blocks.remove(block.contextId);
            total -= block.size();
        }
    }

    /** How many memories of one context the index holds, or -1 when it holds none of its copy. */
    int cachedSize(UUID contextId) {
        ContextBlock block = blocks.get(contextId);
        return block == null || block.version < 0 ? -1 : block.size();
    }

    /** How many memories the index holds in memory, for metrics and benchmarks. */
    public long cachedMemories() {
        return blocks.values().stream().mapToLong(ContextBlock::size).sum();
    }

    /** A bounded min-heap keeping the best {@code n} hits. */
    static final class TopHits {
        private final int capacity;
        private final float[] scores;
        private final Hit[] hits;
        private int size;

        TopHits(int capacity) {
            this.capacity = capacity;
            this.scores = new float[capacity];
            this.hits = new Hit[capacity];
        }

        boolean accepts(float score) {
            return size < capacity || score > scores[0];
        }

        void add(float score, Hit hit) {
            if (size < capacity) {
                scores[size] = score;
                hits[size] = hit;
                siftUp(size++);
            } else {
                scores[0] = score;
                hits[0] = hit;
                siftDown(0);
            }
        }

        List<Hit> sorted() {
            List<Hit> result = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                result.add(hits[i]);
            }
            result.sort(Comparator.comparingDouble((Hit hit) -> hit.similarity())
                    .reversed()
                    .thenComparing(Hit::memoryId));
            return result;
        }

        private void siftUp(int i) {
            while (i > 0) {
                int parent = (i - 1) / 2;
                if (scores[parent] <= scores[i]) {
                    return;
                }
                swap(i, parent);
                i = parent;
            }
        }

        private void siftDown(int i) {
            while (true) {
                int left = 2 * i + 1;
                int right = left + 1;
                int smallest = i;
                if (left < size && scores[left] < scores[smallest]) {
                    smallest = left;
                }
                if (right < size && scores[right] < scores[smallest]) {
                    smallest = right;
                }
                if (smallest == i) {
                    return;
                }
                swap(i, smallest);
                i = smallest;
            }
        }

        private void swap(int a, int b) {
            float score = scores[a];
            scores[a] = scores[b];
            scores[b] = score;
            Hit hit = hits[a];
            hits[a] = hits[b];
            hits[b] = hit;
        }
    }
}
