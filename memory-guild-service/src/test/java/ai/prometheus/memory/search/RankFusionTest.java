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
    private final UUID d = new UUID(0, 4);
    private final UUID e = new UUID(0, 5);

    private static final RankFusion.Weights EVEN = new RankFusion.Weights(1, 1, 0, 30 * DAY);

    @Test
    void aMemoryFoundByBothListsBeatsOneFoundByOnlyOne() {
        var semantic = List.of(ranked(a, 0.9), ranked(b, 0.8), ranked(d, 0.1));
        var lexical = List.of(ranked(b, 3.0), ranked(c, 2.0), ranked(d, 0.5));
        var fused = RankFusion.fuse(RankFusion.Mode.HYBRID, hits(semantic), hits(lexical), 10, EVEN, NOW);
        assertEquals(b, fused.get(0).id());
        assertEquals(2, fused.get(0).semanticRank());
        assertEquals(1, fused.get(0).lexicalRank());
        assertNull(fused.stream()
                .filter(f -> f.id().equals(a))
                .findFirst()
                .orElseThrow()
                .lexicalRank());
    }

    @Test
    void aClearSemanticWinnerIsNotBuriedByWeakWordMatches() {
        // The semantic list has one clear answer; the lexical list is a crowd of near-equal weak
        // matches (a name every turn carries). Rank fusion would put the crowd first.
        var semantic = List.of(ranked(a, 0.92), ranked(b, 0.61), ranked(c, 0.60), ranked(d, 0.59));
        var lexical = List.of(ranked(b, 1.02), ranked(c, 1.01), ranked(d, 1.00), ranked(e, 0.99));
        // Over a scope of 100 memories: similarities around 0.3, and 96 without the words (BM25 0).
        var fused = RankFusion.fuse(
                RankFusion.Mode.HYBRID,
                new RankFusion.Candidates(semantic, 0.3, 0.1, 0.59),
                new RankFusion.Candidates(lexical, 0.04, 0.2, 0),
                10,
                new RankFusion.Weights(1, 0.3, 0, 30 * DAY),
                NOW);
        assertEquals(a, fused.get(0).id());
    }

    @Test
    void theLexicalWeightDecidesBetweenAStrongWordMatchAndASemanticOne() {
        var semantic = List.of(ranked(a, 0.9), ranked(b, 0.5), ranked(c, 0.4));
        var lexical = List.of(ranked(b, 9.0), ranked(c, 1.0), ranked(d, 1.0));
        assertEquals(
                a,
                RankFusion.fuse(
                                RankFusion.Mode.HYBRID,
                                hits(semantic),
                                hits(lexical),
                                10,
                                new RankFusion.Weights(1, 0.1, 0, 30 * DAY),
                                NOW)
                        .get(0)
                        .id());
        assertEquals(
                b,
                RankFusion.fuse(
                                RankFusion.Mode.HYBRID,
                                hits(semantic),
                                hits(lexical),
                                10,
                                new RankFusion.Weights(1, 2, 0, 30 * DAY),
                                NOW)
                        .get(0)
                        .id());
    }

    @Test
    void recencyBreaksTiesButDoesNotOverturnRelevance() {
        var old = new RankFusion.Ranked(a, 0.9, NOW - (long) (365 * DAY));
        var fresh = new RankFusion.Ranked(b, 0.9, NOW);
        var weights = new RankFusion.Weights(1, 1, 0.1, 30 * DAY);
        // Equal scores in both lists: only recency separates them.
        var fused = RankFusion.fuse(
                RankFusion.Mode.HYBRID,
                hits(List.of(old, fresh, ranked(c, 0.1))),
                hits(List.of(fresh, old, ranked(c, 0.1))),
                10,
                weights,
                NOW);
        assertEquals(b, fused.get(0).id());
        assertEquals(1.0, fused.get(0).recency(), 1e-9);
        assertTrue(fused.get(1).recency() < 0.001);
        // A year-old clear first place in both lists still beats a fresh weak match.
        var both = RankFusion.fuse(
                RankFusion.Mode.HYBRID,
                hits(List.of(old, ranked(c, 0.2), ranked(d, 0.1))),
                hits(List.of(old, ranked(c, 0.5), ranked(d, 0.4))),
                10,
                weights,
                NOW);
        assertEquals(a, both.get(0).id());
    }

    @Test
    void aSingleCandidateOrEqualScoresStandardiseToZeroNotToNaN() {
        var fused = RankFusion.fuse(
                RankFusion.Mode.HYBRID,
                hits(List.of(ranked(a, 0.5))),
                hits(List.of(ranked(b, 2), ranked(c, 2))),
                10,
                EVEN,
                NOW);
        fused.forEach(hit -> assertEquals(0, hit.fused(), 1e-12));
    }

    @Test
    void singleModesOrderByTheirOwnScoreAndKCutsTheList() {
        var semantic = List.of(ranked(a, 0.7), ranked(b, 0.6), ranked(c, 0.5));
        var fused = RankFusion.fuse(RankFusion.Mode.SEMANTIC, hits(semantic), hits(List.of()), 2, EVEN, NOW);
        assertEquals(List.of(a, b), fused.stream().map(RankFusion.Fused::id).toList());
        assertEquals(0.7, fused.get(0).fused(), 1e-12);
    }

    private static RankFusion.Candidates hits(List<RankFusion.Ranked> hits) {
        return RankFusion.Candidates.ofHits(hits);
    }

    private static RankFusion.Ranked ranked(UUID id, double score) {
        return new RankFusion.Ranked(id, score, NOW);
    }
}
