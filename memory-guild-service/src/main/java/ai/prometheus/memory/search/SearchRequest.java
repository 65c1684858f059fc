package ai.prometheus.memory.search;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * {@code POST /contexts/{id}/search}.
 *
 * @param mode {@code hybrid} (default), {@code semantic} or {@code lexical}
 * @param scope {@code context}, {@code lineage} (default: the context and its ancestors) or
 *     {@code shared} (the lineage plus contexts shared with the caller)
 * @param neighbors how many memories written just before and after each hit in the hit's own
 *     context come with it (0, the default, to 5): in a conversation the answer is often the next turn
 * @param asOf the moment relative dates in the query ("yesterday", "last week") count from; now by default
 */
public record SearchRequest(
        @NotBlank @Size(max = 2000) String query,
        @Min(1) @Max(1000) Integer k,

        @Pattern(regexp = "hybrid|semantic|lexical", message = "must be hybrid, semantic or lexical")
        String mode,

        @Pattern(regexp = "context|lineage|shared", message = "must be context, lineage or shared")
        String scope,

        @Valid Filters filters,
        @Min(0) @Max(5) Integer neighbors,
        OffsetDateTime asOf) {

    /**
     * Narrows the results. {@code kind} and {@code kinds} both select kinds; {@code metadata}
     * matches memories whose metadata contains it (JSON containment); the time range is on
     * creation, {@code createdAfter} inclusive, {@code createdBefore} exclusive; {@code occurredAfter}
     * (inclusive) and {@code occurredBefore} (exclusive) bound when the remembered event happened.
     */
    public record Filters(
            @Pattern(regexp = "[a-z][a-z0-9_.-]{0,63}", message = "must be a memory kind")
            String kind,

            @Size(max = 20)
            List<@Pattern(regexp = "[a-z][a-z0-9_.-]{0,63}", message = "must be a memory kind") String> kinds,

            JsonNode metadata,
            OffsetDateTime createdAfter,
            OffsetDateTime createdBefore,
            OffsetDateTime occurredAfter,
            OffsetDateTime occurredBefore,
            Boolean includeSuperseded) {}
}
