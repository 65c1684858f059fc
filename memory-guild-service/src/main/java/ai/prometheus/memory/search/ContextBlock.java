package ai.prometheus.memory.search;

import ai.prometheus.memory.memory.MemoryView;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The cached copy of one context's memories for search: unit vectors in one contiguous array
 * (row-major, {@code dimensions} floats per memory), each memory's lexemes as Postgres stored
 * them (for full-text matching and ranking), and what filters need. Postgres
 * stays the source of truth; {@link VectorIndex} patches or rebuilds the copy when the context's
 * version or epoch moves.
 */
final class ContextBlock {

    final UUID contextId;
    final int dimensions;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    volatile long version = -1;
    volatile long epoch = Long.MIN_VALUE;
    volatile long lastUsedNanos;

    int size;
    float[] vectors;
    UUID[] ids;
    String[] keys;
    String[] kinds;
    long[] createdAtMillis;
    long[] occurredAtMillis;
    boolean[] current;
    boolean[] hasVector;
    TextSearch.Document[] documents;
    /** Each memory's change version, as loaded. */
    long[] changeVersions;
    /**
     * The memory as a search shows it, once a search read it from Postgres at the slot's change
     * version; dropped when the slot changes or the block is rebuilt, so it is as fresh as the
     * block (set and read under the read lock: whoever sets it wrote the same row).
     */
    MemoryView[] views;
    /** How many memories hold a document and their lengths' sum: BM25's scope statistics, kept as they change. */
    long documentCount;

    long documentLength;

    private final Map<UUID, Integer> slots = new HashMap<>();
    /** Per lexeme, the slots whose memory contains it; may name slots since replaced, never misses one. */
    private final Map<String, Posting> postings = new HashMap<>();

    private final Map<String, Integer> currentKeys = new HashMap<>();

    /** The refresh running or queued last; the next one starts when it ends, however it ends. */
    private CompletableFuture<Void> lastRefresh = CompletableFuture.completedFuture(null);

    ContextBlock(UUID contextId, int dimensions) {
        this.contextId = contextId;
        this.dimensions = dimensions;
        allocate(16);
    }

    /** Whether the copy is at least at {@code memoryVersion} of epoch {@code reloadEpoch}. */
    boolean holds(long memoryVersion, long reloadEpoch) {
        return epoch == reloadEpoch && version >= memoryVersion;
    }

    /**
     * Runs {@code refresh} after the refreshes queued before it, without a thread waiting: like
     * the write lock once held across the load, one refresh at a time, so a search that finds a
     * load of this block under way waits for it and then finds the block fresh instead of loading
     * it again.
     */
    synchronized CompletableFuture<Void> refreshInTurn(Supplier<CompletionStage<Void>> refresh) {
        CompletableFuture<Void> mine =
                lastRefresh.handle((ignored, failure) -> null).thenCompose(ignored -> refresh.get());
        lastRefresh = mine;
        return mine;
    }

    private void allocate(int capacity) {
        vectors = new float[capacity * dimensions];
        ids = new UUID[capacity];
        keys = new String[capacity];
        kinds = new String[capacity];
        createdAtMillis = new long[capacity];
        occurredAtMillis = new long[capacity];
        current = new boolean[capacity];
        hasVector = new boolean[capacity];
        documents = new TextSearch.Document[capacity];
        changeVersions = new long[capacity];
        views = new MemoryView[capacity];
    }

    void clear() {
        clear(16);
    }

    /** Empties the block, with room for {@code expected} memories. */
    void clear(int expected) {
        size = 0;
        documentCount = 0;
        documentLength = 0;
        slots.clear();
        postings.clear();
        currentKeys.clear();
        allocate(Math.max(16, expected));
    }

    /**
     * One memory as the block keeps it.
     *
     * @param vector its embedding as Postgres stores it (float32, little-endian), copied straight
     *     from the driver's bytes into the block (no array per memory on the way); null while it is
     *     pending or of another model
     * @param document its lexemes, or null when it has none
     */
    record Entry(
            UUID id,
            String key,
            String kind,
            long createdMillis,
            long occurredMillis,
            boolean current,
            long changeVersion,
            ByteBuffer vector,
            TextSearch.Document document) {}

    /** Inserts or replaces one memory. */
    void upsert(Entry entry) {
        ByteBuffer vector = entry.vector();
        if (vector != null && vector.remaining() != dimensions * Float.BYTES) {
            throw new IllegalArgumentException(
                    "an embedding of " + vector.remaining() + " bytes is not a vector of " + dimensions + " floats");
        }
        int slot = place(entry);
        if (vector != null) {
            vector.duplicate()
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(vectors, slot * dimensions, dimensions);
        }
    }

    /** Puts a memory's fields in its slot (a new one unless it is there already); answers the slot. */
    private int place(Entry entry) {
        UUID id = entry.id();
        Integer slot = slots.get(id);
        if (slot == null) {
            if (size == ids.length) {
                grow();
            }
            slot = size++;
            slots.put(id, slot);
        } else {
            if (current[slot] && keys[slot] != null) {
                currentKeys.merge(keys[slot], -1, (a, b) -> a + b == 0 ? null : a + b);
            }
            if (documents[slot] != null) {
                documentCount--;
                documentLength -= documents[slot].length();
            }
        }
        TextSearch.Document document = entry.document();
        ids[slot] = id;
        keys[slot] = entry.key();
        kinds[slot] = entry.kind();
        createdAtMillis[slot] = entry.createdMillis();
        occurredAtMillis[slot] = entry.occurredMillis();
        current[slot] = entry.current();
        hasVector[slot] = entry.vector() != null;
        documents[slot] = document;
        changeVersions[slot] = entry.changeVersion();
        views[slot] = null;
        if (document != null) {
            documentCount++;
            documentLength += document.length();
            // One String per distinct lexeme in the context, shared by every memory holding it.
            String[] lexemes = document.lexemes();
            for (int i = 0; i < lexemes.length; i++) {
                lexemes[i] = addPosting(lexemes[i], slot);
            }
        }
        if (entry.current() && entry.key() != null) {
            currentKeys.merge(entry.key(), 1, Integer::sum);
        }
        return slot;
    }

    /** Records that {@code slot} holds {@code lexeme}; returns the context's one instance of the lexeme. */
    private String addPosting(String lexeme, int slot) {
        Posting posting = postings.computeIfAbsent(lexeme, Posting::new);
        posting.add(slot);
        return posting.lexeme;
    }

    /** Marks every slot whose memory may contain one of {@code lexemes}: a superset, the caller checks each. */
    void candidates(Iterable<String> lexemes, java.util.BitSet into) {
        for (String lexeme : lexemes) {
            Posting posting = postings.get(lexeme);
            if (posting != null) {
                for (int i = 0; i < posting.size; i++) {
                    into.set(posting.slots[i]);
                }
            }
        }
    }

    /** The slots holding one lexeme, in the order they were added. */
    private static final class Posting {
        final String lexeme;
        int[] slots = new int[2];
        int size;

        Posting(String lexeme) {
            this.lexeme = lexeme;
        }

        void add(int slot) {
            if (size > 0 && slots[size - 1] == slot) {
                return; // the same memory again (an update)
            }
            if (size == slots.length) {
                slots = Arrays.copyOf(slots, size * 2);
            }
            slots[size++] = slot;
        }
    }

    private void grow() {
        int capacity = ids.length * 2;
        vectors = Arrays.copyOf(vectors, capacity * dimensions);
        ids = Arrays.copyOf(ids, capacity);
        keys = Arrays.copyOf(keys, capacity);
        kinds = Arrays.copyOf(kinds, capacity);
        createdAtMillis = Arrays.copyOf(createdAtMillis, capacity);
        occurredAtMillis = Arrays.copyOf(occurredAtMillis, capacity);
        current = Arrays.copyOf(current, capacity);
        hasVector = Arrays.copyOf(hasVector, capacity);
        documents = Arrays.copyOf(documents, capacity);
        changeVersions = Arrays.copyOf(changeVersions, capacity);
        views = Arrays.copyOf(views, capacity);
    }

    /** The memory's view cached at its current version, or null; under the read lock. */
    MemoryView view(UUID id) {
        Integer slot = slots.get(id);
        return slot == null ? null : views[slot];
    }

    /**
     * Keeps {@code view}, read from Postgres at {@code changeVersion}, if that is the version the
     * block holds (a row read before or after the block's copy is not kept); under the read lock.
     */
    void keepView(MemoryView view, long changeVersion) {
        Integer slot = slots.get(view.id());
        if (slot != null && changeVersions[slot] == changeVersion) {
            views[slot] = view;
        }
    }

    /** Adds the keys of the context's current memories (they shadow the same keys further up the lineage); under the read lock. */
    void addCurrentKeysTo(Set<String> keys) {
        keys.addAll(currentKeys.keySet());
    }

    int size() {
        return size;
    }
}
