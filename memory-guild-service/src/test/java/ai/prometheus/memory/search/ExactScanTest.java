package ai.prometheus.memory.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.memory.context.Access;
import ai.prometheus.memory.context.LineageEntry;
import ai.prometheus.memory.embedding.Vectors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The index's float scan against an exact double-precision scan of the same vectors, on random
 * blocks (sizes across growth steps, pending vectors, replaced vectors, vectors copied from stored
 * bytes, filters): the same best n,
 * each with its exact similarity, and the moments of every admitted score (fusion standardises
 * with them).
 */
class ExactScanTest {

    private static final double TOLERANCE = 1e-5;

    @Test
    void theScanFindsTheExactBestNOnRandomBlocks() {
        Random random = new Random(11);
        for (int round = 0; round < 60; round++) {
            int dimensions = random.nextBoolean() ? 384 : 1 + random.nextInt(40);
            int size = random.nextInt(5) == 0 ? random.nextInt(20) : random.nextInt(1_300);
            int n = 1 + random.nextInt(random.nextBoolean() ? 10 : 200);
            String message = "round " + round + ": " + size + " memories of " + dimensions + " dimensions, best " + n;

            ContextBlock block = new ContextBlock(UUID.randomUUID(), dimensions);
            Map<UUID, float[]> vectors = new HashMap<>();
            Map<UUID, String> kinds = new HashMap<>();
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                UUID id = new UUID(round, i);
                ids.add(id);
                write(block, id, random, dimensions, vectors, kinds);
            }
            // Some memories change (a new vector in the same slot), some wait for theirs.
            for (int i = 0; i < size / 10; i++) {
                write(block, ids.get(random.nextInt(size)), random, dimensions, vectors, kinds);
            }
            float[] query = unit(random, dimensions);
            Set<String> wanted = random.nextBoolean() ? null : Set.of("a", "b");
            VectorIndex.Filter filter = new VectorIndex.Filter(true, wanted, null, null, null, null, null);
            LineageEntry entry = new LineageEntry(block.contextId, null, 0, "c", "owner", 0, 0, Access.MANAGE);
            VectorIndex.Scan<VectorIndex.Hit> scan = new VectorIndex(null, null, null)
                    .search(new VectorIndex.Loaded(List.of(entry), List.of(block)), query, filter, n);

            List<Map.Entry<UUID, Double>> exact = new ArrayList<>();
            double sum = 0;
            for (Map.Entry<UUID, float[]> memory : vectors.entrySet()) {
                if (memory.getValue() != null && (wanted == null || wanted.contains(kinds.get(memory.getKey())))) {
                    double similarity = dot(query, memory.getValue());
                    exact.add(Map.entry(memory.getKey(), similarity));
                    sum += similarity;
                }
            }
            exact.sort(Map.Entry.<UUID, Double>comparingByValue(Comparator.reverseOrder()));

            assertEquals(exact.size(), scan.scored(), message + ": every admitted memory scored");
            assertEquals(sum, scan.sum(), 1e-3, message + ": sum of scores");
            assertEquals(Math.min(n, exact.size()), scan.hits().size(), message);
            double nth = exact.isEmpty()
                    ? 0
                    : exact.get(Math.min(n, exact.size()) - 1).getValue();
            for (int i = 0; i < scan.hits().size(); i++) {
                VectorIndex.Hit hit = scan.hits().get(i);
                double truth = dot(query, vectors.get(hit.memoryId()));
                assertEquals(truth, hit.similarity(), TOLERANCE, message + ": similarity of hit " + i);
                assertEquals(exact.get(i).getValue(), hit.similarity(), TOLERANCE, message + ": rank " + i);
                assertTrue(truth >= nth - TOLERANCE, message + ": hit " + i + " belongs to the best n");
            }
        }
    }

    private static void write(
            ContextBlock block,
            UUID id,
            Random random,
            int dimensions,
            Map<UUID, float[]> vectors,
            Map<UUID, String> kinds) {
        float[] vector = random.nextInt(15) == 0 ? null : unit(random, dimensions);
        String kind = random.nextBoolean() ? "a" : "c";
        // As a load copies it: straight from the stored bytes (float32, little-endian).
        ByteBuffer stored = vector == null ? null : ByteBuffer.wrap(Vectors.toBytes(vector));
        block.upsert(new ContextBlock.Entry(id, null, kind, 0, 0, true, 0, stored, null));
        vectors.put(id, vector);
        kinds.put(id, kind);
    }

    private static float[] unit(Random random, int dimensions) {
        float[] vector = new float[dimensions];
        for (int d = 0; d < dimensions; d++) {
            vector[d] = (float) random.nextGaussian();
        }
        return Vectors.normalize(vector);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
