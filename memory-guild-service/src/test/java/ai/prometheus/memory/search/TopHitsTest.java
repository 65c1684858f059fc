package ai.prometheus.memory.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TopHitsTest {

    @Test
    void keepsExactlyTheBestNOfAnyStreamBestFirst() {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(20);
            int count = random.nextInt(300);
            VectorIndex.TopHits top = new VectorIndex.TopHits(n);
            List<VectorIndex.Hit> all = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                // Few distinct scores, so ties are common.
                float score = random.nextInt(50) / 50f;
                VectorIndex.Hit hit = new VectorIndex.Hit(new UUID(round, i), null, 0, score, 0);
                all.add(hit);
                if (top.accepts(score)) {
                    top.add(score, hit);
                }
            }
            List<Float> expected = all.stream()
                    .map(VectorIndex.Hit::similarity)
                    .sorted(Comparator.reverseOrder())
                    .limit(n)
                    .toList();
            assertEquals(
                    expected,
                    top.sorted().stream().map(VectorIndex.Hit::similarity).toList(),
                    "round " + round + ": best " + n + " of " + count);
        }
    }
}
