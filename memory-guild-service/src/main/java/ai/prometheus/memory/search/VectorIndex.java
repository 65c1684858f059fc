package ai.prometheus.memory.search;

import ai.prometheus.memory.config.MemoryConfig;
import ai.prometheus.memory.context.LineageEntry;
import ai.prometheus.memory.embedding.Embedder;
import ai.prometheus.memory.embedding.Vectors;
import ai.prometheus.memory.memory.MemoryRepository;
import ai.prometheus.memory.memory.MemoryView;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * Loading holds no thread while Postgres answers: the rows ({@link IndexRowRepository}) arrive
 * on the event loop and are copied into the block on a worker, one refresh of a block at a time.
 *
 * <p>Size: ~470 lines because the cache and its scan are one consistency rule: a search reads the
 * versions and epochs, refreshes the blocks it will scan and scans them under one filter, so the
 * freshness argument reads in one place; move {@link TopHits} and the scan loop out if the scan
 * grows.
 */
@ApplicationScoped
public class VectorIndex {

    private static final Duration STATES_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);

    private final ConcurrentHashMap<UUID, ContextBlock> blocks = new ConcurrentHashMap<>();
    private final IndexRowRepository rows;
    private final MemoryConfig config;
    private final Embedder embedder;
    /** Contexts the warmer has loaded once: one evicted for space is not loaded again until searched. */
    private final Set<UUID> warmed = ConcurrentHashMap.newKeySet();

    public VectorIndex(IndexRowRepository rows, MemoryConfig config, Embedder embedder) {
        this.rows = rows;
        this.embedder = embedder;
        this.config = config;
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

    /** The blocks of a search's contexts, nearest first, at least as fresh as the search read them. */
    record Loaded(List<LineageEntry> entries, List<ContextBlock> blocks) {}

    /**
     * Brings every context in scope up to the version and epoch the caller just read from Postgres,
     * then makes room by evicting contexts outside this scope. The contexts load side by side (on
     * two cores, Postgres sends one while the service decodes another; each context's own
     * refreshes still run in turn).
     */
    Uni<Loaded> load(List<LineageEntry> scope) {
        if (scope.isEmpty()) {
            return Uni.createFrom().item(new Loaded(scope, List.of()));
        }
        List<Uni<ContextBlock>> refreshes = scope.stream()
                .map(entry -> refresh(entry.id(), entry.memoryVersion(), entry.reloadEpoch(), true))
                .toList();
        return Uni.join().all(refreshes).andFailFast().map(loaded -> {
            evictBeyondCapacity(loaded);
            return new Loaded(scope, loaded);
        });
    }

    /**
     * The {@code n} memories most similar to {@code query} (a unit vector) in the loaded contexts,
     * best first. CPU work: call it off the event loop.
     */
    Scan<Hit> search(Loaded scope, float[] query, Filter filter, int n) {
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
    Scan<TextHit> searchText(TextSearch.Query query, Loaded scope, Filter filter, int n) {
        if (query.lexemes().isEmpty()) {
            return new Scan<>(new ArrayList<>(), 0, 0, 0);
        }
        TextSearch.Statistics statistics = new TextSearch.Statistics(query);
        TextMatches matched = new TextMatches();
        scanInScope(scope, filter, (block, entry, shadowed) -> {
            statistics.countDocuments(block.documentCount, block.documentLength);
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
                    matched.add(document, block.ids[slot], block.occurredAtMillis[slot]);
                }
            }
        });
        Moments moments = new Moments();
        float[] scores = new float[matched.size];
        for (int i = 0; i < matched.size; i++) {
            scores[i] = (float) query.bm25(matched.documents[i], statistics);
            moments.add(scores[i]);
        }
        // Every memory in scope that does not match scores 0: part of the distribution too.
        return new Scan<>(matched.best(scores, n), statistics.documents(), moments.sum, moments.sumOfSquares);
    }

    /** One context's part of a search: its block (read-locked) and the keys nearer contexts shadow. */
    @FunctionalInterface
    private interface BlockScan {
        void scan(ContextBlock block, LineageEntry entry, Set<String> shadowed);
    }

    /**
     * Hands each loaded block to {@code scan} nearest first, with the keys that contexts nearer in
     * the lineage hold (they shadow the same keys further up unless superseded memories are wanted
     * too).
     */
    private void scanInScope(Loaded scope, Filter filter, BlockScan scan) {
        Set<String> nearerKeys = new HashSet<>();
        for (int b = 0; b < scope.blocks().size(); b++) {
            ContextBlock block = scope.blocks().get(b);
            LineageEntry entry = scope.entries().get(b);
            boolean shadowing = !filter.includeSuperseded() && entry.depth() != null;
            block.lock.readLock().lock();
            try {
                scan.scan(block, entry, shadowing ? nearerKeys : Set.of());
                if (shadowing) {
                    block.addCurrentKeysTo(nearerKeys);
                }
            } finally {
                block.lock.readLock().unlock();
            }
        }
    }

    /**
     * The views of {@code ids} that the loaded blocks hold at their current version (a search's
     * hits, read from Postgres by an earlier search and unchanged since); the others are missing.
     * A block being refreshed is skipped rather than waited for: its hits are read from Postgres.
     */
    Map<UUID, MemoryView> cachedViews(Loaded scope, List<UUID> ids) {
        Map<UUID, MemoryView> found = new HashMap<>();
        for (ContextBlock block : scope.blocks()) {
            if (!block.lock.readLock().tryLock()) {
                continue;
            }
            try {
                for (UUID id : ids) {
                    MemoryView view = block.view(id);
                    if (view != null) {
                        found.put(id, view);
                    }
                }
            } finally {
                block.lock.readLock().unlock();
            }
        }
        return found;
    }

    /** Keeps views just read from Postgres in the blocks that hold their memory at the same version. */
    void keepViews(Loaded scope, Map<UUID, MemoryRepository.Versioned> read) {
        for (ContextBlock block : scope.blocks()) {
            if (!block.lock.readLock().tryLock()) {
                continue; // never waits: this may run on the event loop
            }
            try {
                read.values().forEach(row -> {
                    if (row.view().contextId().equals(block.contextId)) {
                        block.keepView(row.view(), row.changeVersion());
                    }
                });
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
    public Uni<Integer> warm() {
        return rows.contextStates()
                .ifNoItem()
                .after(STATES_TIMEOUT)
                .fail()
                .chain(states -> Multi.createFrom()
                        .iterable(states)
                        .onItem()
                        .transformToUniAndConcatenate(this::warm)
                        .filter(Boolean::booleanValue)
                        .collect()
                        .with(java.util.stream.Collectors.counting())
                        .map(refreshed -> {
                            forgetAllBut(states);
                            return refreshed.intValue();
                        }));
    }

    /** Loads or refreshes one context for {@link #warm()}; answers whether it did. */
    private Uni<Boolean> warm(IndexRowRepository.ContextState state) {
        ContextBlock block = blocks.get(state.id());
        if (block == null) {
            if (warmed.contains(state.id())
                    || cachedMemories() >= config.index().maxCachedVectors()) {
                return Uni.createFrom().item(false);
            }
        } else if (block.holds(state.memoryVersion(), state.reloadEpoch())) {
            return Uni.createFrom().item(false);
        }
        warmed.add(state.id());
        return refresh(state.id(), state.memoryVersion(), state.reloadEpoch(), false)
                .replaceWith(true);
    }

    /** Drops the contexts that no longer exist, then what is beyond the capacity. */
    private void forgetAllBut(List<IndexRowRepository.ContextState> states) {
        Set<UUID> existing = new HashSet<>();
        states.forEach(state -> existing.add(state.id()));
        blocks.keySet().removeIf(id -> !existing.contains(id));
        warmed.retainAll(existing);
        evictBeyondCapacity(List.of());
    }

    /** Brings the cached copy of one context up to the version and epoch the caller just read from Postgres. */
    private Uni<ContextBlock> refresh(UUID contextId, long memoryVersion, long reloadEpoch, boolean searched) {
        ContextBlock block = blocks.computeIfAbsent(contextId, id -> new ContextBlock(id, Embedder.DIMENSIONS));
        if (searched) {
            block.lastUsedNanos = System.nanoTime();
        }
        if (block.holds(memoryVersion, reloadEpoch)) {
            return Uni.createFrom().item(block);
        }
        return Uni.createFrom()
                .completionStage(() -> block.refreshInTurn(
                        () -> load(block, memoryVersion, reloadEpoch).subscribeAsCompletionStage()))
                .replaceWith(block);
    }

    /**
     * Reads what changed since the block's version (everything when the epoch moved) and copies it
     * in. Runs in the block's turn, so the block's version cannot move meanwhile.
     */
    private Uni<Void> load(ContextBlock block, long memoryVersion, long reloadEpoch) {
        if (block.holds(memoryVersion, reloadEpoch)) {
            return Uni.createFrom().voidItem(); // the refresh before this one got there
        }
        boolean rebuild = block.epoch != reloadEpoch;
        return rows.changedSince(block.contextId, rebuild ? -1 : block.version)
                .ifNoItem()
                .after(LOAD_TIMEOUT)
                .fail()
                // Decoding thousands of vectors and lexemes is CPU work: not on the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .invoke(changed -> apply(block, changed, rebuild, memoryVersion, reloadEpoch))
                .replaceWithVoid();
    }

    private void apply(
            ContextBlock block,
            List<IndexRowRepository.IndexRow> changed,
            boolean rebuild,
            long memoryVersion,
            long reloadEpoch) {
        block.lock.writeLock().lock();
        try {
            if (rebuild) {
                // Sized once: growing by doubling copied the vectors several times over.
                block.clear(changed.size());
            }
            long seen = memoryVersion;
            for (IndexRowRepository.IndexRow row : changed) {
                // Vectors of another model (before a switch finished re-embedding) are left out of
                // semantic search; the memory is still found by words until its new vector arrives.
                boolean usable = row.embedding() != null && embedder.modelId().equals(row.embeddingModel());
                block.upsert(new ContextBlock.Entry(
                        row.id(),
                        row.key(),
                        row.kind(),
                        row.createdAtMillis(),
                        row.occurredAtMillis(),
                        row.current(),
                        row.changeVersion(),
                        usable ? row.embedding() : null,
                        TextSearch.parseVector(row.lexemes())));
                seen = Math.max(seen, row.changeVersion());
            }
            // Versions of one context commit in order, so every change up to the highest one seen is loaded.
            block.version = seen;
            block.epoch = reloadEpoch;
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
