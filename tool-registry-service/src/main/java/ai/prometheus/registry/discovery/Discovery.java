package ai.prometheus.registry.discovery;

import ai.prometheus.registry.permission.ToolAccess;
import ai.prometheus.registry.permission.ToolAction;
import ai.prometheus.shared.platform.web.PageResult;
import ai.prometheus.shared.problem.ProblemException;
import ai.prometheus.shared.security.Caller;
import ai.prometheus.shared.security.Permission;
import ai.prometheus.shared.util.Glob;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the tools a caller may see (or invoke), in one SQL query on the hot path
 * ({@link ToolListingRepository}): permission filtering happens in the database (ACL principals,
 * ownership, and the token's target patterns turned into {@code LIKE} patterns), so a page never
 * hides invisible tools after the fact and counts stay right. Text search ranks Postgres full-text
 * matches over names, descriptions and tags, with exact and prefix name matches first. Pages go
 * through {@link ListingCache}.
 */
@ApplicationScoped
public class Discovery {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final int MAX_TERMS = 12;
    private static final List<String> STATUSES = List.of("ACTIVE", "DISABLED", "DELETED");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolListingRepository listings;
    private final ListingCache cache;

    public Discovery(ToolListingRepository listings, ListingCache cache) {
        this.listings = listings;
        this.cache = cache;
    }

    /** The page of tools matching {@code query} that {@code caller} may at least read. */
    public Uni<Listing> find(Caller caller, DiscoveryQuery query) {
        return search(caller, query, ToolAction.READ);
    }

    /** Active tools the caller may invoke (MCP {@code tools/list}, OpenAI export). */
    public Uni<PageResult<ToolSummary>> invocable(Caller caller, DiscoveryQuery query) {
        return search(caller, query, ToolAction.INVOKE).map(Listing::page);
    }

    private Uni<Listing> search(Caller caller, DiscoveryQuery query, ToolAction action) {
        String permissionAction = action.permissionAction();
        if (!caller.mayAnyTarget("tools", permissionAction)) {
            return Uni.createFrom()
                    .failure(ProblemException.forbidden("listing tools requires the permission tools:"
                            + permissionAction + " (for at least some tools)"));
        }
        List<String> statuses = statuses(query, action);
        String text = query.text() == null ? "" : query.text().trim();
        String sort =
                query.sort() == null || query.sort().isBlank() ? (text.isEmpty() ? "name" : "relevance") : query.sort();
        ListingOrder order = ListingOrder.named(sort);
        if (order == null) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "sort", "must be one of relevance, name, created, updated (prefix - to reverse)"));
        }
        ToolListingRepository.Statement statement = listings.statement(new ToolListingRepository.Filter(
                statuses,
                action,
                viewer(caller, action),
                tags(query),
                query.owner() == null || query.owner().isBlank() ? null : query.owner(),
                text,
                text.isEmpty() ? "" : tsTerms(text),
                order,
                query.size() + 1, // one more than a page tells whether another page follows
                query.page() * query.size()));
        return cache.get(
                statement,
                () -> listings.find(statement).map(found -> PageResult.of(found, query.page(), query.size(), s -> s)));
    }

    /**
     * Whether {@code caller} may invoke any of the tools {@code names}, in whatever status they are
     * now (a tool just deleted or disabled still concerns those who could call it). Decides which
     * MCP sessions hear that the tool list changed.
     */
    public Uni<Boolean> mayInvokeAny(Caller caller, Collection<String> names) {
        if (!caller.mayAnyTarget("tools", ToolAction.INVOKE.permissionAction())) {
            return Uni.createFrom().item(false);
        }
        return listings.mayInvokeAny(viewer(caller, ToolAction.INVOKE), names.toArray(String[]::new));
    }

    /** The MCP presentation of the live tool {@code name} (title, annotations, outputSchema...); null if none. */
    public Uni<JsonNode> mcpMetadata(String name) {
        return listings.mcpMetadata(name).map(mcp -> {
            try {
                return mcp == null ? null : JSON.readTree(mcp);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("unreadable MCP metadata of tool " + name, e);
            }
        });
    }

    /** Who {@code caller} is to the catalog for {@code action}: null for an admin, who sees every tool. */
    private static ToolListingRepository.Viewer viewer(Caller caller, ToolAction action) {
        if (caller.isAdmin()) {
            return null;
        }
        List<String> patterns = namePatterns(caller, action.permissionAction());
        return new ToolListingRepository.Viewer(
                caller.subject(),
                ToolAccess.principals(caller).toArray(String[]::new),
                patterns == null ? null : patterns.toArray(String[]::new));
    }

    private static List<String> statuses(DiscoveryQuery query, ToolAction action) {
        if (action == ToolAction.INVOKE) {
            return List.of("ACTIVE");
        }
        if (query.statuses() == null || query.statuses().isEmpty()) {
            return List.of("ACTIVE", "DISABLED");
        }
        List<String> statuses = new ArrayList<>();
        for (String status : query.statuses()) {
            String normalized = status.trim().toUpperCase(Locale.ROOT);
            if (!STATUSES.contains(normalized)) {
                throw ProblemException.invalidField("status", "must be ACTIVE, DISABLED or DELETED");
            }
            statuses.add(normalized);
        }
        return statuses;
    }

    private static String[] tags(DiscoveryQuery query) {
        if (query.tags() == null || query.tags().isEmpty()) {
            return null;
        }
        return query.tags().stream().map(t -> t.trim().toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }

    /**
     * The {@code LIKE} patterns the caller's targeted grants allow ({@code tools:read:weather-*}
     * gives {@code weather-%}), or null when some grant covers every tool.
     */
    static List<String> namePatterns(Caller caller, String action) {
        List<String> patterns = new ArrayList<>();
        for (Permission permission : caller.permissions()) {
            if (permission.isAdmin()) {
                return null;
            }
            if (permission.resource().equals("tools") && permission.action().equals(action)) {
                if (!permission.hasTarget()) {
                    return null;
                }
                patterns.add(Glob.toSqlLike(permission.target()));
            }
        }
        return patterns;
    }

    /**
     * The words of the query, space-separated, for the database's {@code tool_search_query}, which
     * makes them an OR of prefix terms: "get weather" finds tools matching either word.
     */
    static String tsTerms(String text) {
        List<String> terms = new ArrayList<>();
        Matcher words = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (words.find() && terms.size() < MAX_TERMS) {
            terms.add(words.group());
        }
        return String.join(" ", terms);
    }
}
