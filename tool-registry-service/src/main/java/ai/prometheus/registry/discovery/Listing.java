package ai.prometheus.registry.discovery;

import ai.prometheus.shared.platform.web.PageResult;

/**
 * A page of a listing with its JSON answer, written once when the page is read from the database:
 * a cached listing is answered without serializing its tools again (dates and scores were a
 * visible share of a cached listing's cost).
 */
public record Listing(PageResult<ToolSummary> page, byte[] json) {}
