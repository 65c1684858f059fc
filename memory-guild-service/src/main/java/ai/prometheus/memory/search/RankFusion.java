package ai.prometheus.memory.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Hybrid ranking: a weighted sum of the semantic and the lexical score, each standardised over the
 * memories in scope (z-score: minus the scope's mean score for this query, divided by its spread),
 * plus a small recency bonus. Standardising puts cosine similarities and BM25 scores on one scale while keeping
 * how far apart the candidates are, which reciprocal rank fusion throws away: on
 * bench/memory-quality rank fusion let a list of weak word matches (a speaker's name) bury the
 * semantic list's clear first place, scoring below semantic search alone. A memory one list did
 * not find gets that list's floor: no matching words is a lexical score of 0; outside the semantic
 * candidates is at most the lowest candidate's similarity. Recency is
 * {@code 0.5^(age / halfLife)}.
 */
public final class RankFusion {

    /** One entry of a ranked list, best first. */
    public record Ranked(UUID id, double score, long occurredAtMillis) {}

    /** A fused result with every part of its score. Ranks count from 1; absent parts are null. */
    public record Fused(
            UUID id,
            double fused,
            Integer semanticRank,
            Double similarity,
            Integer lexicalRank,
            Double lexicalScore,
            double recency) {}

    /**
     * One list's best hits and the distribution of that score over everything it ranked (the
     * whole scope), which standardises it. {@code floor} stands for a memory not among the hits.
     */
    public record Candidates(List<Ranked> hits, double mean, double spread, double floor) {

        /** Moments of every score in scope: {@code count} memories, their sum and sum of squares. */
        public static Candidates ofScope(List<Ranked> hits, long count, double sum, double sumOfSquares, double floor) {
            if (count < 2) {
                return new Candidates(hits, 0, 0, floor);
            }
            double mean = sum / count;
            return new Candidates(hits, mean, Math.sqrt(Math.max(0, sumOfSquares / count - mean * mean)), floor);
        }

        /** When only the hits are known: their own moments, and the lowest of them for the rest. */
        public static Candidates ofHits(List<Ranked> hits) {
            double sum = 0;
            double squares = 0;
            double lowest = 0;
            for (int i = 0; i < hits.size(); i++) {
                double score = hits.get(i).score();
                sum += score;
                squares += score * score;
                lowest = i == 0 ? score : Math.min(lowest, score);
            }
            return ofScope(hits, hits.size(), sum, squares, lowest);
        }

        double standardised(Double score) {
            if (spread < 1e-12) {
                return 0;
            }
            return ((score == null ? floor : score) - mean) / spread;
        }
    }

    /** How much each standardised part counts in hybrid ranking (recency is 0..1, unstandardised). */
    public record Weights(double semantic, double lexical, double recency, double recencyHalfLifeMillis) {}

    public enum Mode {
        HYBRID,
        SEMANTIC,
        LEXICAL
    }

    private RankFusion() {}

    public static List<Fused> fuse(
            Mode mode,
            Candidates semanticCandidates,
            Candidates lexicalCandidates,
            int k,
            Weights weights,
            long nowMillis) {
        return fuse(mode, semanticCandidates, lexicalCandidates, k, weights, nowMillis, null);
    }

    /**
     * As above; when the query names a {@code period}, candidates that happened in it rank before
     * the rest (each group in score order).
     */
    public static List<Fused> fuse(
            Mode mode,
            Candidates semanticCandidates,
            Candidates lexicalCandidates,
            int k,
            Weights weights,
            long nowMillis,
            QueryDates.Period period) {
        List<Ranked> semantic = semanticCandidates.hits();
        List<Ranked> lexical = lexicalCandidates.hits();
        Map<UUID, Builder> byId = new LinkedHashMap<>();
        for (int i = 0; i < semantic.size(); i++) {
            Ranked hit = semantic.get(i);
            Builder builder = byId.computeIfAbsent(hit.id(), id -> new Builder(id, hit.occurredAtMillis()));
            builder.semanticRank = i + 1;
            builder.similarity = hit.score();
        }
        for (int i = 0; i < lexical.size(); i++) {
            Ranked hit = lexical.get(i);
            Builder builder = byId.computeIfAbsent(hit.id(), id -> new Builder(id, hit.occurredAtMillis()));
            builder.lexicalRank = i + 1;
            builder.lexicalScore = hit.score();
        }
        List<Fused> fused = new ArrayList<>(byId.size());
        java.util.Set<UUID> inPeriod = new java.util.HashSet<>();
        for (Builder builder : byId.values()) {
            if (period != null
                    && builder.occurredAtMillis >= period.from().toEpochMilli()
                    && builder.occurredAtMillis < period.until().toEpochMilli()) {
                inPeriod.add(builder.id);
            }
            // Time from the moment asked as of, either way: as of a past date, what happened after it is not recent.
            double age = Math.abs(nowMillis - builder.occurredAtMillis);
            double recency = Math.pow(0.5, age / weights.recencyHalfLifeMillis());
            double score = switch (mode) {
                case SEMANTIC -> builder.similarity == null ? Double.NEGATIVE_INFINITY : builder.similarity;
                case LEXICAL -> builder.lexicalScore == null ? Double.NEGATIVE_INFINITY : builder.lexicalScore;
                case HYBRID ->
                    weights.semantic() * semanticCandidates.standardised(builder.similarity)
                            + weights.lexical() * lexicalCandidates.standardised(builder.lexicalScore)
                            + weights.recency() * recency;
            };
            fused.add(new Fused(
                    builder.id,
                    score,
                    builder.semanticRank,
                    builder.similarity,
                    builder.lexicalRank,
                    builder.lexicalScore,
                    recency));
        }
        // Ties (the same scores, the same age) are broken by id so that results are reproducible.
        fused.sort(Comparator.comparing((Fused hit) -> !inPeriod.contains(hit.id()))
                .thenComparing(Comparator.comparingDouble(Fused::fused).reversed())
                .thenComparing(Fused::id));
        return fused.size() > k ? List.copyOf(fused.subList(0, k)) : fused;
    }

    private static final class Builder {
        final UUID id;
        final long occurredAtMillis;
        Integer semanticRank;
        Double similarity;
        Integer lexicalRank;
        Double lexicalScore;

        Builder(UUID id, long occurredAtMillis) {
            this.id = id;
            this.occurredAtMillis = occurredAtMillis;
        }
    }
}
