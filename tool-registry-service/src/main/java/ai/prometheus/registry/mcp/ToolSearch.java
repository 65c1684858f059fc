package ai.prometheus.registry.mcp;

import ai.prometheus.registry.discovery.Discovery;
import ai.prometheus.registry.discovery.DiscoveryQuery;
import ai.prometheus.registry.discovery.ToolSummary;
import ai.prometheus.registry.tool.ToolNames;
import ai.prometheus.registry.usage.UsageQuery;
import ai.prometheus.registry.usage.UsageQuery.Totals;
import ai.prometheus.shared.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in {@code search_tools} MCP tool: ranks the tools the caller may invoke by how well
 * their name, title and description match a query, weighted by how reliably and how fast they ran
 * (usage of the last {@value #USAGE_DAYS} days). The formula is in the README's MCP section:
 *
 * <pre>
 * relevance = Σ over query words of (3 if in the name, else 2 if in the title, else 1 if in the description) / (3 × words)
 * smoothed  = (successes + PRIOR_CALLS × prior) / (calls + PRIOR_CALLS),  prior = pooled success rate of the matches
 * latency   = 1 − 0.1 × min(1, p50Ms / 10 000)   (1 for a tool with no calls)
 * score     = relevance × (0.5 + 0.5 × smoothed) × latency
 * </pre>
 */
@ApplicationScoped
public class ToolSearch {

    static final String NAME = ToolNames.BUILT_IN_SEARCH;
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 50;
    static final int USAGE_DAYS = 30;
    /** Pseudo-calls at the prior rate: a tool with few calls stays close to the average. */
    static final double PRIOR_CALLS = 5;

    private static final int PAGE_SIZE = 100;
    /** Candidates read at most (pages of the invocable listing), so one search stays bounded. */
    private static final int MAX_PAGES = 20;

    private final Discovery discovery;
    private final UsageQuery usage;
    private final ObjectMapper json;

    public ToolSearch(Discovery discovery, UsageQuery usage, ObjectMapper json) {
        this.discovery = discovery;
        this.usage = usage;
        this.json = json;
    }

    /** One ranked tool. */
    record Hit(
            String name, String title, String description, double score, Double successRate, long p50Ms, long calls) {}

    /** Bad arguments: told to the model as a tool error. */
    static final class BadArguments extends RuntimeException {
        BadArguments(String message) {
            super(message, null, false, false);
        }
    }

    /** The entry {@code tools/list} shows for the built-in. */
    ObjectNode describe() {
        ObjectNode entry = json.createObjectNode().put("name", NAME).put("title", "Search tools");
        entry.put(
                "description",
                "Find the tools you may call for a task: ranked by how well their name, title and"
                        + " description match the query, weighted by their measured success rate and median latency.");
        ObjectNode input = entry.putObject("inputSchema").put("type", "object");
        ObjectNode properties = input.putObject("properties");
        properties
                .putObject("query")
                .put("type", "string")
                .put("minLength", 1)
                .put("description", "What the tool should do");
        properties
                .putObject("limit")
                .put("type", "integer")
                .put("minimum", 1)
                .put("maximum", MAX_LIMIT)
                .put("default", DEFAULT_LIMIT);
        input.putArray("required").add("query");
        input.put("additionalProperties", false);
        ObjectNode output = entry.putObject("outputSchema").put("type", "object");
        output.putArray("required").add("tools");
        output.putObject("properties")
                .putObject("tools")
                .put("type", "array")
                .putObject("items")
                .put("type", "object");
        entry.putObject("annotations")
                .put("title", "Search tools")
                .put("readOnlyHint", true)
                .put("destructiveHint", false)
                .put("idempotentHint", true)
                .put("openWorldHint", false);
        return entry;
    }

    /** Runs the built-in: the MCP tool result with the ranking as structured content and as text. */
    Uni<JsonNode> call(Caller caller, JsonNode arguments) {
        JsonNode args = arguments == null || arguments.isNull() ? json.createObjectNode() : arguments;
        JsonNode query = args.path("query");
        if (!query.isTextual() || words(query.asText()).isEmpty()) {
            return Uni.createFrom().failure(new BadArguments("arguments.query: a non-blank string is required"));
        }
        int limit = DEFAULT_LIMIT;
        if (args.has("limit")) {
            JsonNode given = args.get("limit");
            if (!given.canConvertToInt()
                    || !given.isIntegralNumber()
                    || given.asInt() < 1
                    || given.asInt() > MAX_LIMIT) {
                return Uni.createFrom()
                        .failure(new BadArguments("arguments.limit: must be an integer from 1 to " + MAX_LIMIT));
            }
            limit = given.asInt();
        }
        int max = limit;
        List<String> words = words(query.asText());
        return candidates(caller, 0, new ArrayList<>()).chain(tools -> {
            List<Scored> matching = new ArrayList<>();
            for (ToolSummary tool : tools) {
                double relevance = relevance(words, tool);
                if (relevance > 0) {
                    matching.add(new Scored(tool, relevance));
                }
            }
            if (matching.isEmpty()) {
                return Uni.createFrom().item(result(List.of()));
            }
            return usage.totals(matching.stream().map(s -> s.tool().name()).toList(), USAGE_DAYS)
                    .map(totals ->
                            result(rank(matching, totals).stream().limit(max).toList()));
        });
    }

    private record Scored(ToolSummary tool, double relevance) {}

    /** Orders the matches by score (then name, so equal scores come back in a stable order). */
    static List<Hit> ordered(List<Hit> hits) {
        return hits.stream()
                .sorted(Comparator.comparingDouble(Hit::score).reversed().thenComparing(Hit::name))
                .toList();
    }

    private List<Hit> rank(List<Scored> matching, Map<String, Totals> totals) {
        long calls = 0;
        long successes = 0;
        for (Totals t : totals.values()) {
            calls += t.calls();
            successes += t.successes();
        }
        // The prior is what the matches achieve on average, so a tool nobody ran is neither punished nor favoured.
        double prior = calls == 0 ? 1.0 : (double) successes / calls;
        List<Hit> hits = new ArrayList<>();
        for (Scored scored : matching) {
            ToolSummary tool = scored.tool();
            Totals used = totals.getOrDefault(tool.name(), new Totals(0, 0, 0));
            double smoothed = (used.successes() + PRIOR_CALLS * prior) / (used.calls() + PRIOR_CALLS);
            double latency = used.calls() == 0 ? 1.0 : 1.0 - 0.1 * Math.min(1.0, used.p50LatencyMs() / 10_000.0);
            double score = scored.relevance() * (0.5 + 0.5 * smoothed) * latency;
            Double rate = used.calls() == 0 ? null : (double) used.successes() / used.calls();
            hits.add(new Hit(
                    tool.name(),
                    title(tool),
                    description(tool),
                    Math.round(score * 10_000) / 10_000.0,
                    rate,
                    used.p50LatencyMs(),
                    used.calls()));
        }
        return ordered(hits);
    }

    private JsonNode result(List<Hit> hits) {
        ObjectNode result = json.createObjectNode();
        ObjectNode structured = json.createObjectNode();
        ArrayNode tools = structured.putArray("tools");
        StringBuilder text = new StringBuilder(hits.isEmpty() ? "No tool you may call matches." : "");
        for (Hit hit : hits) {
            ObjectNode entry = tools.addObject()
                    .put("name", hit.name())
                    .put("title", hit.title())
                    .put("description", hit.description())
                    .put("score", hit.score());
            if (hit.successRate() == null) {
                entry.putNull("successRate");
            } else {
                entry.put("successRate", hit.successRate());
            }
            entry.put("p50Ms", hit.p50Ms()).put("calls", hit.calls());
            text.append(String.format(
                    Locale.ROOT,
                    "%s (score %.3f, %s, p50 %d ms, %d calls): %s%n",
                    hit.name(),
                    hit.score(),
                    hit.successRate() == null
                            ? "never run"
                            : String.format(Locale.ROOT, "%.0f%% success", hit.successRate() * 100),
                    hit.p50Ms(),
                    hit.calls(),
                    hit.description()));
        }
        result.putArray("content")
                .addObject()
                .put("type", "text")
                .put("text", text.toString().strip());
        result.set("structuredContent", structured);
        result.put("isError", false);
        return result;
    }

    private Uni<List<ToolSummary>> candidates(Caller caller, int page, List<ToolSummary> seen) {
        return discovery
                .invocable(caller, new DiscoveryQuery(null, null, null, null, "name", page, PAGE_SIZE))
                .chain(found -> {
                    seen.addAll(found.items());
                    return found.hasMore() && page + 1 < MAX_PAGES
                            ? candidates(caller, page + 1, seen)
                            : Uni.createFrom().item(seen);
                });
    }

    /** Lower-case words; '_' and '-' split too, so "weather_lookup" matches "weather". */
    static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty())
                .distinct()
                .toList();
    }

    static double relevance(List<String> query, ToolSummary tool) {
        List<String> name = words(tool.name());
        List<String> title = words(title(tool));
        List<String> description = words(tool.description());
        double sum = 0;
        for (String word : query) {
            if (name.contains(word)) {
                sum += 3;
            } else if (title.contains(word)) {
                sum += 2;
            } else if (description.contains(word)) {
                sum += 1;
            }
        }
        return sum / (3.0 * query.size());
    }

    private static String title(ToolSummary tool) {
        JsonNode mcp = tool.mcp();
        return mcp != null && mcp.path("title").isTextual() ? mcp.get("title").asText() : tool.name();
    }

    private static String description(ToolSummary tool) {
        return tool.description() == null || tool.description().isBlank() ? tool.name() : tool.description();
    }
}
