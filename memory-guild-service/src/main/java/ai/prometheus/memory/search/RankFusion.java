package ai.prometheus.memory.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Hybrid ranking: reciprocal rank fusion of the semantic and the lexical list, plus a small
 * recency bonus. RRF needs no calibration between cosine similarities and full-text ranks, which
 * live on unrelated scales: each list contributes {@code 1 / (rrfK + rank)}. Recency is
 * {@code 0.5^(age / halfLife)}, weighted relative to a first place in one list.
 */
public final class RankFusion {

    /** One entry of a ranked list, best first. */
    public record Ranked(UUID id, double score, long createdAtMillis) {
    }

    /** A fused result with every part of its score. Ranks count from 1; absent parts are null. */
    public record Fused(UUID id, double fused, Integer semanticRank, Double similarity, Integer lexicalRank,
            Double lexicalScore, double recency) {
    }

    public enum Mode {
        HYBRID, SEMANTIC, LEXICAL
    }

    private RankFusion() {
    }

    public static List<Fused> fuse(Mode mode, List<Ranked> semantic, List<Ranked> lexical, int k, int rrfK,
            double recencyWeight, double halfLifeMillis, long nowMillis) {
        Map<UUID, Builder> byId = new LinkedHashMap<>();
        for (int i = 0; i < semantic.size(); i++) {
            Ranked hit = semantic.get(i);
            Builder builder = byId.computeIfAbsent(hit.id(), id -> new Builder(id, hit.createdAtMillis()));
            builder.semanticRank = i + 1;
            builder.similarity = hit.score();
        }
        for (int i = 0; i < lexical.size(); i++) {
            Ranked hit = lexical.get(i);
            Builder builder = byId.computeIfAbsent(hit.id(), id -> new Builder(id, hit.createdAtMillis()));
            builder.lexicalRank = i + 1;
            builder.lexicalScore = hit.score();
        }
        List<Fused> fused = new ArrayList<>(byId.size());
        for (Builder builder : byId.values()) {
            double age = Math.max(0, nowMillis - builder.createdAtMillis);
            double recency = Math.pow(0.5, age / halfLifeMillis);
            double score = switch (mode) {
                case SEMANTIC -> builder.similarity == null ? Double.NEGATIVE_INFINITY : builder.similarity;
                case LEXICAL -> builder.lexicalScore == null ? Double.NEGATIVE_INFINITY : builder.lexicalScore;
                case HYBRID -> reciprocal(builder.semanticRank, rrfK) + reciprocal(builder.lexicalRank, rrfK)
                        + recencyWeight * recency / (rrfK + 1);
            };
            fused.add(new Fused(builder.id, score, builder.semanticRank, builder.similarity, builder.lexicalRank,
                    builder.lexicalScore, recency));
        }
        // Ties (the same ranks, the same age) are broken by id so that results are reproducible.
        fused.sort(Comparator.comparingDouble(Fused::fused).reversed().thenComparing(Fused::id));
        return fused.size() > k ? List.copyOf(fused.subList(0, k)) : fused;
    }

    private static double reciprocal(Integer rank, int rrfK) {
        return rank == null ? 0 : 1.0 / (rrfK + rank);
    }

    private static final class Builder {
        final UUID id;
        final long createdAtMillis;
        Integer semanticRank;
        Double similarity;
        Integer lexicalRank;
        Double lexicalScore;

        Builder(UUID id, long createdAtMillis) {
            this.id = id;
            this.createdAtMillis = createdAtMillis;
        }
    }
}
