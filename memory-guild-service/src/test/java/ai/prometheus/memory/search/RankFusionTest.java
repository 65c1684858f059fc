package ai.prometheus.memory.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RankFusionTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final double DAY = 86_400_000d;
    private final UUID a = new UUID(0, 1);
    private final UUID b = new UUID(0, 2);
    private final UUID c = new UUID(0, 3);

    @Test
    void aMemoryFoundByBothListsBeatsOneFoundByOnlyOne() {
        var semantic = List.of(ranked(a, 0.9), ranked(b, 0.8));
        var lexical = List.of(ranked(b, 3.0), ranked(c, 2.0));
        var fused = RankFusion.fuse(RankFusion.Mode.HYBRID, semantic, lexical, 10, 60, 0.0, 30 * DAY, NOW);
        assertEquals(List.of(b, a, c), fused.stream().map(RankFusion.Fused::id).toList());
        assertEquals(1.0 / 62 + 1.0 / 61, fused.get(0).fused(), 1e-12);
        assertEquals(2, fused.get(0).semanticRank());
        assertEquals(1, fused.get(0).lexicalRank());
        assertNull(fused.get(1).lexicalRank());
    }

    @Test
    void recencyBreaksTiesButDoesNotOverturnRelevance() {
        var old = new RankFusion.Ranked(a, 0.9, NOW - (long) (365 * DAY));
        var fresh = new RankFusion.Ranked(b, 0.9, NOW);
        // Equal ranks in mirrored lists: only recency separates them.
        var fused = RankFusion.fuse(RankFusion.Mode.HYBRID, List.of(old, fresh), List.of(fresh, old), 10, 60, 0.2,
                30 * DAY, NOW);
        assertEquals(b, fused.get(0).id());
        assertEquals(1.0, fused.get(0).recency(), 1e-9);
        assertTrue(fused.get(1).recency() < 0.001);
        // A year-old first place in both lists still beats a fresh memory found by one list only.
        var both = RankFusion.fuse(RankFusion.Mode.HYBRID, List.of(old), List.of(old, new RankFusion.Ranked(c, 1, NOW)),
                10, 60, 0.2, 30 * DAY, NOW);
        assertEquals(a, both.get(0).id());
    }

    @Test
    void singleModesOrderByTheirOwnScoreAndKCutsTheList() {
        var semantic = List.of(ranked(a, 0.7), ranked(b, 0.6), ranked(c, 0.5));
        var fused = RankFusion.fuse(RankFusion.Mode.SEMANTIC, semantic, List.of(), 2, 60, 0.2, 30 * DAY, NOW);
        assertEquals(List.of(a, b), fused.stream().map(RankFusion.Fused::id).toList());
        assertEquals(0.7, fused.get(0).fused(), 1e-12);
    }

    private static RankFusion.Ranked ranked(UUID id, double score) {
        return new RankFusion.Ranked(id, score, NOW);
    }
}
