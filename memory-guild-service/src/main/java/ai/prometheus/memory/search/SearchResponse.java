package ai.prometheus.memory.search;

import ai.prometheus.memory.context.ContextView;
import ai.prometheus.memory.memory.MemoryView;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.UUID;

/**
 * The answer of a search: the results, best first, and the lineage they were drawn from, so a
 * caller can tell where each memory came from.
 */
public record SearchResponse(
        String query, String mode, String scope, List<ContextView.Step> lineage, List<Result> results) {

    /** One hit: the memory, the context it lives in and its depth there (0 = the searched context). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(
            MemoryView memory, UUID contextId, Integer depth, boolean shared, Score score, Neighbors neighbors) {}

    /** With {@code "neighbors": n}: the memories just before the hit and just after it in its context, in time order. */
    public record Neighbors(List<MemoryView> before, List<MemoryView> after) {}

    /** The parts of a result's score. Ranks count from 1; a part is absent when that list did not find the memory. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Score(
            double fused,
            Integer semanticRank,
            Double similarity,
            Integer lexicalRank,
            Double lexicalScore,
            double recency) {}
}
