package ai.prometheus.registry.discovery;

import java.util.List;

/**
 * What a caller looks for: free text, tags (all must match), owner, statuses, an order and a page.
 *
 * @param sort {@code relevance} (default with a text query), {@code name} (default otherwise),
 *     {@code created} or {@code updated}; a leading {@code -} reverses
 */
public record DiscoveryQuery(
        String text, List<String> tags, String owner, List<String> statuses, String sort, int page, int size) {}
