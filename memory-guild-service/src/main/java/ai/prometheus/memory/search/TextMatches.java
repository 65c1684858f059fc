package ai.prometheus.memory.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The full-text matches of one search, in parallel arrays: a common word matches thousands of
 * memories, so no object per match, and the best n are selected rather than every match sorted.
 */
final class TextMatches {
    TextSearch.Document[] documents = new TextSearch.Document[64];
    UUID[] ids = new UUID[64];
    long[] occurred = new long[64];
    int size;

    void add(TextSearch.Document document, UUID id, long occurredAtMillis) {
        if (size == ids.length) {
            documents = Arrays.copyOf(documents, size * 2);
            ids = Arrays.copyOf(ids, size * 2);
            occurred = Arrays.copyOf(occurred, size * 2);
        }
        documents[size] = document;
        ids[size] = id;
        occurred[size++] = occurredAtMillis;
    }

    /** The best {@code n} by score, then newest, then id in Postgres's order; best first. */
    List<VectorIndex.TextHit> best(float[] scores, int n) {
        int kept = Math.min(n, size);
        // A bounded heap of indices whose root is the worst kept: a selection, not a sort of every match.
        int[] heap = new int[kept];
        int count = 0;
        for (int i = 0; i < size; i++) {
            if (count < kept) {
                heap[count] = i;
                siftUp(heap, count++, scores);
            } else if (kept > 0 && before(i, heap[0], scores)) {
                heap[0] = i;
                siftDown(heap, count, scores);
            }
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = heap[i];
        }
        Arrays.sort(order, (a, b) -> before(a, b, scores) ? -1 : before(b, a, scores) ? 1 : 0);
        List<VectorIndex.TextHit> hits = new ArrayList<>(count);
        for (int index : order) {
            hits.add(new VectorIndex.TextHit(ids[index], scores[index], occurred[index]));
        }
        return hits;
    }

    /** Whether match {@code a} ranks before match {@code b}. */
    private boolean before(int a, int b, float[] scores) {
        int byScore = Float.compare(scores[a], scores[b]);
        if (byScore != 0) {
            return byScore > 0;
        }
        if (occurred[a] != occurred[b]) {
            return occurred[a] > occurred[b];
        }
        return VectorIndex.comparePostgresUuids(ids[a], ids[b]) < 0;
    }

    private void siftUp(int[] heap, int i, float[] scores) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!before(heap[parent], heap[i], scores)) {
                return;
            }
            swap(heap, i, parent);
            i = parent;
        }
    }

    private void siftDown(int[] heap, int count, float[] scores) {
        int i = 0;
        while (true) {
            int left = 2 * i + 1;
            int right = left + 1;
            int worst = i;
            if (left < count && before(heap[worst], heap[left], scores)) {
                worst = left;
            }
            if (right < count && before(heap[worst], heap[right], scores)) {
                worst = right;
            }
            if (worst == i) {
                return;
            }
            swap(heap, i, worst);
            i = worst;
        }
    }

    private static void swap(int[] heap, int a, int b) {
        int swapped = heap[a];
        heap[a] = heap[b];
        heap[b] = swapped;
    }
}
