package ai.prometheus.memory.search;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;

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
    boolean[] current;
    boolean[] hasVector;
    TextSearch.Document[] documents;
    private final Map<UUID, Integer> slots = new HashMap<>();
    /** Slots whose memory contains the lexeme; may name slots that were since replaced, never miss one. */
    private final Map<String, int[]> postings = new HashMap<>();
    private final Map<String, Integer> currentKeys = new HashMap<>();

    ContextBlock(UUID contextId, int dimensions) {
        this.contextId = contextId;
        this.dimensions = dimensions;
        allocate(16);
    }

    private void allocate(int capacity) {
        vectors = new float[capacity * dimensions];
        ids = new UUID[capacity];
        keys = new String[capacity];
        kinds = new String[capacity];
        createdAtMillis = new long[capacity];
        current = new boolean[capacity];
        hasVector = new boolean[capacity];
        documents = new TextSearch.Document[capacity];
    }

    void clear() {
        size = 0;
        slots.clear();
        postings.clear();
        currentKeys.clear();
        allocate(16);
    }

    /** Inserts or replaces one memory; {@code vector} null while its embedding is pending. */
    void upsert(UUID id, String key, String kind, long created, boolean isCurrent, float[] vector,
            TextSearch.Document document) {
        Integer slot = slots.get(id);
        if (slot == null) {
            if (size == ids.length) {
                grow();
            }
            slot = size++;
            slots.put(id, slot);
        } else if (current[slot] && keys[slot] != null) {
            currentKeys.merge(keys[slot], -1, (a, b) -> a + b == 0 ? null : a + b);
        }
        ids[slot] = id;
        keys[slot] = key;
        kinds[slot] = kind;
        createdAtMillis[slot] = created;
        current[slot] = isCurrent;
        hasVector[slot] = vector != null;
        documents[slot] = document;
        if (document != null) {
            for (String lexeme : document.lexemes()) {
                addPosting(lexeme, slot);
            }
        }
        if (vector != null) {
            System.arraycopy(vector, 0, vectors, slot * dimensions, dimensions);
        }
        if (isCurrent && key != null) {
            currentKeys.merge(key, 1, Integer::sum);
        }
    }

    // Each list holds its length in element 0, then the slots in ascending order of insertion.
    private void addPosting(String lexeme, int slot) {
        int[] list = postings.get(lexeme);
        if (list == null) {
            list = new int[4];
        } else if (list[list[0]] == slot) {
            return; // the same memory again (an update)
        } else if (list[0] + 1 == list.length) {
            list = Arrays.copyOf(list, list.length * 2);
        }
        list[++list[0]] = slot;
        postings.put(lexeme, list);
    }

    /**
     * Marks every slot whose memory may contain one of {@code lexemes} (a superset: the caller
     * still checks the memory itself); false when none can.
     */
    boolean candidates(Iterable<String> lexemes, java.util.BitSet into) {
        boolean any = false;
        for (String lexeme : lexemes) {
            int[] list = postings.get(lexeme);
            if (list != null) {
                for (int i = 1; i <= list[0]; i++) {
                    into.set(list[i]);
                }
                any = true;
            }
        }
        return any;
    }

    private void grow() {
        int capacity = ids.length * 2;
        vectors = Arrays.copyOf(vectors, capacity * dimensions);
        ids = Arrays.copyOf(ids, capacity);
        keys = Arrays.copyOf(keys, capacity);
        kinds = Arrays.copyOf(kinds, capacity);
        createdAtMillis = Arrays.copyOf(createdAtMillis, capacity);
        current = Arrays.copyOf(current, capacity);
        hasVector = Arrays.copyOf(hasVector, capacity);
        documents = Arrays.copyOf(documents, capacity);
    }

    /** Keys of the context's current memories: they shadow the same keys further up the lineage. */
    Set<String> currentKeys() {
        return new HashSet<>(currentKeys.keySet());
    }

    int size() {
        return size;
    }
}
